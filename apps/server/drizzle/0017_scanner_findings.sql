CREATE TABLE "scanner_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activity_id" uuid,
	"task_id" uuid,
	"field" text NOT NULL,
	"kinds" text[] NOT NULL,
	"found_at" timestamp (3) with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp (3) with time zone,
	CONSTRAINT "scanner_findings_one_record" CHECK (num_nonnulls("scanner_findings"."activity_id", "scanner_findings"."task_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD CONSTRAINT "scanner_findings_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD CONSTRAINT "scanner_findings_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD CONSTRAINT "scanner_findings_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scanner_findings_activity_idx" ON "scanner_findings" USING btree ("activity_id","field");--> statement-breakpoint
CREATE UNIQUE INDEX "scanner_findings_task_idx" ON "scanner_findings" USING btree ("task_id","field");--> statement-breakpoint
CREATE INDEX "scanner_findings_status_idx" ON "scanner_findings" USING btree ("status","found_at");