CREATE TABLE "lead_scores" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"subject_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"explanation" "bytea",
	"rules_version" text NOT NULL,
	"computed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"points" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"condition" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text NOT NULL,
	"origin" text NOT NULL,
	"as_of" timestamp (3) with time zone NOT NULL,
	"rules_version" text NOT NULL,
	"rules" jsonb NOT NULL,
	"cursor_at" timestamp (3) with time zone,
	"batches" integer DEFAULT 0 NOT NULL,
	"scored" integer DEFAULT 0 NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"refused" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_by" uuid,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "lead_scores" ADD CONSTRAINT "lead_scores_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rules" ADD CONSTRAINT "scoring_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_runs" ADD CONSTRAINT "scoring_runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_scores_score_idx" ON "lead_scores" USING btree ("score");--> statement-breakpoint
CREATE INDEX "lead_scores_subject_idx" ON "lead_scores" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scoring_runs_one_running" ON "scoring_runs" USING btree ("status") WHERE "scoring_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "scoring_runs_started_idx" ON "scoring_runs" USING btree ("started_at");