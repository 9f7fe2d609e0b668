-- A storage parameter only: no rebuild. The audit sealer cleans the pending list (gin_clean_pending_list) after each
-- pass, so writers append to it and nobody waits for its insertion into the tree.
ALTER INDEX "audit_entries_subject_ids_idx" SET (gin_pending_list_limit=32768);
