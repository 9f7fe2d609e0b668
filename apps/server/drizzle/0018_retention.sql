CREATE TABLE "retention_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"target" text NOT NULL,
	"trigger" text NOT NULL,
	"period_amount" integer NOT NULL,
	"period_unit" text NOT NULL,
	"action" text NOT NULL,
	"purposes" text[] DEFAULT '{}'::text[] NOT NULL,
	"lifecycle_stages" text[] DEFAULT '{}'::text[] NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"only_without_consent" boolean DEFAULT false NOT NULL,
	"exempt_tag_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"exempt_open_deals" boolean DEFAULT false NOT NULL,
	"shortened_reason" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"shipped" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_run_items" (
	"run_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"target" text NOT NULL,
	"target_ref" text NOT NULL,
	"outcome" text NOT NULL,
	"batch" integer NOT NULL,
	"handled_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_run_items_run_id_policy_id_target_ref_pk" PRIMARY KEY("run_id","policy_id","target_ref")
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text NOT NULL,
	"origin" text NOT NULL,
	"as_of" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"batches" integer DEFAULT 0 NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_by" uuid
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "custom_field_keys" text[];--> statement-breakpoint
ALTER TABLE "purposes" ADD COLUMN "minimum_retention_months" integer;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_run_items" ADD CONSTRAINT "retention_run_items_run_id_retention_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."retention_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_runs" ADD CONSTRAINT "retention_runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "retention_runs_one_running" ON "retention_runs" USING btree ("status") WHERE "retention_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "retention_runs_started_idx" ON "retention_runs" USING btree ("started_at");--> statement-breakpoint
UPDATE "purposes" SET "minimum_retention_months" = 120 WHERE "key" = 'legal_obligation';--> statement-breakpoint
UPDATE "purposes" SET "minimum_retention_months" = 24 WHERE "key" = 'data_subject_rights';--> statement-breakpoint
INSERT INTO "retention_policies" ("id", "name", "description", "target", "trigger", "period_amount", "period_unit", "action", "purposes", "lifecycle_stages", "categories", "only_without_consent", "exempt_open_deals", "shipped") VALUES
  ('7e7e0000-0000-4000-8000-000000000001', 'Inactive leads without consent', 'Leads with no activity for 24 months and no consent given or pending for any purpose are erased.', 'contact', 'last_activity', 24, 'months', 'crypto_shred', '{}', '{lead}', '{}', true, true, true),
  ('7e7e0000-0000-4000-8000-000000000002', 'Withdrawn marketing consent: leads', 'Leads who withdrew their marketing consent and have no other consent are erased 30 days later.', 'contact', 'consent_withdrawn', 30, 'days', 'crypto_shred', '{marketing_email,newsletter}', '{lead}', '{}', true, true, true),
  ('7e7e0000-0000-4000-8000-000000000003', 'Withdrawn marketing consent: marketing data', 'Prospects and customers who withdrew their marketing consent lose their behavioural (marketing) data 30 days later.', 'contact', 'consent_withdrawn', 30, 'days', 'delete_fields', '{marketing_email,newsletter}', '{prospect,customer,former}', '{behavioural}', false, false, true),
  ('7e7e0000-0000-4000-8000-000000000004', 'Former customers after the legal keeping time', 'Customers are erased 10 years after their last deal closed, the longest keeping time of commercial and tax law (e.g. 10 years for invoices in Germany).', 'contact', 'contract_end', 10, 'years', 'crypto_shred', '{legal_obligation}', '{}', '{}', false, true, true),
  ('7e7e0000-0000-4000-8000-000000000005', 'Closed data-subject requests', 'Records of answered requests are kept 3 years after closing as proof (CCPA asks for 24 months), then deleted.', 'request', 'request_closed', 3, 'years', 'delete_record', '{data_subject_rights}', '{}', '{}', false, false, true);
