CREATE TABLE "dpias" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"purposes" text[] NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"necessity" text DEFAULT '' NOT NULL,
	"proportionality" text DEFAULT '' NOT NULL,
	"risks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"measures" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"dpo_advice" text,
	"dpo_advice_by" uuid,
	"dpo_advice_at" timestamp (3) with time zone,
	"dpo_advice_followed" boolean,
	"dpo_advice_reason" text,
	"prior_consultation_at" timestamp (3) with time zone,
	"prior_consultation_reference" text,
	"signed_off_by" uuid,
	"signed_off_at" timestamp (3) with time zone,
	"review_at" date,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dpias" ADD CONSTRAINT "dpias_dpo_advice_by_users_id_fk" FOREIGN KEY ("dpo_advice_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dpias" ADD CONSTRAINT "dpias_signed_off_by_users_id_fk" FOREIGN KEY ("signed_off_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dpias" ADD CONSTRAINT "dpias_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;