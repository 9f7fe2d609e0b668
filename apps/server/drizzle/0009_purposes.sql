CREATE TABLE "purposes" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"lawful_basis" text NOT NULL,
	"art9_condition" text,
	"categories" text[] NOT NULL,
	"retention" text NOT NULL,
	"ccpa_sale_or_sharing" boolean NOT NULL,
	"profiling" boolean NOT NULL,
	"automated_decisions" boolean NOT NULL,
	"dpv_purpose" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "purposes" ADD CONSTRAINT "purposes_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Defaults an admin or the DPO adjusts to the organisation (PATCH /api/v1/purposes/{key}).
INSERT INTO "purposes" ("key", "name", "description", "lawful_basis", "art9_condition", "categories", "retention", "ccpa_sale_or_sharing", "profiling", "automated_decisions", "dpv_purpose") VALUES
  ('sales_follow_up', 'Sales follow-up', 'Following up leads and customers about offers they asked for or may expect.', 'legitimate_interests', NULL, '{identity,contact,location,professional,behavioural}', 'While the relationship lasts; leads without activity are erased after 24 months.', false, false, false, 'dpv:CustomerRelationshipManagement'),
  ('customer_support', 'Customer support', 'Answering customers'' questions and requests, and checking who they are.', 'contract', NULL, '{identity,contact,location,behavioural}', 'While the contract lasts, then as the law requires.', false, false, false, 'dpv:CustomerCare'),
  ('marketing_email', 'Marketing e-mail', 'Sending marketing e-mails about products and events.', 'consent', NULL, '{identity,contact,professional}', 'Until consent is withdrawn; marketing data is deleted 30 days after.', false, false, false, 'dpv:DirectMarketing'),
  ('newsletter', 'Newsletter', 'Sending the newsletter the person subscribed to.', 'consent', NULL, '{identity,contact}', 'Until the person unsubscribes.', false, false, false, 'dpv:DirectMarketing'),
  ('analytics', 'Analytics', 'Aggregate statistics about the pipeline and campaigns, without names or contact details.', 'legitimate_interests', NULL, '{professional,behavioural}', 'Kept in anonymised form.', false, false, false, 'dpv:ServiceOptimisation'),
  ('profiling', 'Lead scoring', 'Scoring leads from their job and interactions to prioritise sales work; people may object.', 'legitimate_interests', NULL, '{identity,professional,behavioural}', 'While the relationship lasts.', false, true, false, 'dpv:CustomerRelationshipManagement'),
  ('contract_fulfilment', 'Contract fulfilment', 'Delivering what customers bought and invoicing them.', 'contract', NULL, '{identity,contact,location,financial}', 'While the contract lasts, then as the law requires.', false, false, false, 'dpv:FulfilmentOfContractualObligation'),
  ('legal_obligation', 'Legal obligations', 'Keeping records the law requires (tax, accounting).', 'legal_obligation', NULL, '{identity,contact,location,financial}', 'As long as the law requires (e.g. 10 years for invoices in Germany).', false, false, false, 'dpv:LegalCompliance'),
  ('data_subject_rights', 'Data-subject rights', 'Answering requests of people exercising their rights (access, erasure, objection…).', 'legal_obligation', NULL, '{identity,contact,location,online_identifier,financial,professional,behavioural,special,children}', 'Request records are kept 3 years.', false, false, false, 'dpv:LegalCompliance');
