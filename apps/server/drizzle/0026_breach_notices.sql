CREATE TABLE "breach_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"breach_id" uuid NOT NULL,
	"contact_id" uuid,
	"status" text DEFAULT 'queued' NOT NULL,
	"queued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "breaches" ADD COLUMN "impact" jsonb;--> statement-breakpoint
ALTER TABLE "breaches" ADD COLUMN "people_notice_subject" text;--> statement-breakpoint
ALTER TABLE "breaches" ADD COLUMN "people_notice_text" text;--> statement-breakpoint
ALTER TABLE "breach_notices" ADD CONSTRAINT "breach_notices_breach_id_breaches_id_fk" FOREIGN KEY ("breach_id") REFERENCES "public"."breaches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notices" ADD CONSTRAINT "breach_notices_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "breach_notices_breach_contact_key" ON "breach_notices" USING btree ("breach_id","contact_id");--> statement-breakpoint
CREATE INDEX "breach_notices_queued_idx" ON "breach_notices" USING btree ("breach_id") WHERE "breach_notices"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "breach_notices_contact_idx" ON "breach_notices" USING btree ("contact_id");