CREATE TABLE "scanner_scans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text NOT NULL,
	"started_by" uuid,
	"queued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"total" integer DEFAULT 0 NOT NULL,
	"scanned" integer DEFAULT 0 NOT NULL,
	"with_findings" integer DEFAULT 0 NOT NULL,
	"phase" text DEFAULT 'activities' NOT NULL,
	"position_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "scanner_findings" DROP CONSTRAINT "scanner_findings_one_record";--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD COLUMN "contact_id" uuid;--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD COLUMN "classified_kinds" text[];--> statement-breakpoint
ALTER TABLE "scanner_scans" ADD CONSTRAINT "scanner_scans_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scanner_scans_one_active" ON "scanner_scans" USING btree ((1)) WHERE "scanner_scans"."status" in ('queued', 'running');--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD CONSTRAINT "scanner_findings_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scanner_findings_contact_idx" ON "scanner_findings" USING btree ("contact_id","field");--> statement-breakpoint
ALTER TABLE "scanner_findings" ADD CONSTRAINT "scanner_findings_one_record" CHECK (num_nonnulls("scanner_findings"."activity_id", "scanner_findings"."task_id", "scanner_findings"."contact_id") = 1);