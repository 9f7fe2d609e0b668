ALTER TABLE "campaign_messages" ADD COLUMN "tracked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_messages" ADD COLUMN "opened_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaign_messages" ADD COLUMN "clicked_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "tracking" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Opening and clicking a campaign mail are observed only with consent (ePrivacy Art. 5(3)): its own purpose.
INSERT INTO "purposes" ("key", "name", "description", "lawful_basis", "art9_condition", "categories", "retention", "ccpa_sale_or_sharing", "profiling", "automated_decisions", "dpv_purpose") VALUES
  ('email_tracking', 'E-mail open and click tracking', 'Recording whether a person opens our campaign e-mails and which of their links they follow, to measure and improve campaigns.', 'consent', NULL, '{behavioural}', 'Kept with the campaign message until the person is erased; no longer recorded once consent is withdrawn.', false, false, false, 'dpv:ServiceOptimisation')
ON CONFLICT ("key") DO NOTHING;
