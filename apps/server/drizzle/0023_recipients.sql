CREATE TABLE "recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"services" text DEFAULT '' NOT NULL,
	"purposes" text[] DEFAULT '{}'::text[] NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"countries" text[] NOT NULL,
	"transfer_mechanism" text,
	"scc_date" date,
	"derogation" text,
	"dpa_signed_at" date,
	"dpa_review_at" date,
	"security_measures" text DEFAULT '' NOT NULL,
	"contact" "bytea",
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recipients" ADD CONSTRAINT "recipients_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;