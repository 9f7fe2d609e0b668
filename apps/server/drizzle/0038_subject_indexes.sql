DROP INDEX "contacts_email_tokens_idx";--> statement-breakpoint
CREATE INDEX "consent_confirmations_subject_idx" ON "consent_confirmations" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "imports_subject_idx" ON "imports" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "recipients_subject_idx" ON "recipients" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "dsr_request_events_subject_idx" ON "dsr_request_events" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "dsr_requests_subject_idx" ON "dsr_requests" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "subject_packages_subject_idx" ON "subject_packages" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "contacts_email_tokens_idx" ON "contacts" USING gin ("email_tokens") WITH (fastupdate=false);