-- Storage parameters only: no rebuild. The pending lists are flushed by the next insert that finds them over the limit.
ALTER INDEX "contacts_name_tokens_idx" SET (gin_pending_list_limit=64);--> statement-breakpoint
ALTER INDEX "contacts_phone_tokens_idx" SET (gin_pending_list_limit=64);
