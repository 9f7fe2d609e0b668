DROP INDEX "contacts_email_tokens_idx";--> statement-breakpoint
CREATE INDEX "contacts_email_tokens_idx" ON "contacts" USING gin ("email_tokens") WITH (fastupdate=false);