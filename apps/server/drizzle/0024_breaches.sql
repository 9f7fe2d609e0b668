CREATE TABLE "breaches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"nature" text NOT NULL,
	"detected_at" timestamp (3) with time zone NOT NULL,
	"aware_at" timestamp (3) with time zone NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"people_approx" integer,
	"records_approx" integer,
	"consequences" text DEFAULT '' NOT NULL,
	"measures" text DEFAULT '' NOT NULL,
	"risk" text NOT NULL,
	"authority_decision" text DEFAULT 'pending' NOT NULL,
	"authority_notified_at" timestamp (3) with time zone,
	"authority_reference" text,
	"decision_reason" text,
	"delay_reason" text,
	"people_decision" text DEFAULT 'pending' NOT NULL,
	"people_exception" text,
	"people_notified_at" timestamp (3) with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"closed_at" timestamp (3) with time zone,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "breaches" ADD CONSTRAINT "breaches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "breaches_open_idx" ON "breaches" USING btree ("aware_at") WHERE "breaches"."closed_at" is null;