CREATE TABLE "anonymous_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"lifecycle_stage" text NOT NULL,
	"source" text NOT NULL,
	"created_month" text NOT NULL,
	"country" text,
	"birth_years" text,
	"activities" integer NOT NULL,
	"deals_won" integer NOT NULL,
	"anonymised_month" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pseudonym_recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"purpose" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"master_key_id" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "pseudonym_recipients" ADD CONSTRAINT "pseudonym_recipients_purpose_purposes_key_fk" FOREIGN KEY ("purpose") REFERENCES "public"."purposes"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pseudonym_recipients" ADD CONSTRAINT "pseudonym_recipients_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;