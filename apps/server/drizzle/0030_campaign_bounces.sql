ALTER TABLE "campaign_messages" ADD COLUMN "bounced_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaign_messages" ADD COLUMN "bounce_status" text;--> statement-breakpoint
ALTER TABLE "campaign_messages" ADD COLUMN "complained_at" timestamp (3) with time zone;