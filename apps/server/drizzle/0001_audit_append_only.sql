-- The audit trail is append-only. Entries cannot be deleted or truncated, and an update may only seal an
-- unsealed entry (set seq, prev_hash, hash and sealed_at once), leaving its recorded content untouched.
CREATE FUNCTION audit_entries_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = '42501';
  END IF;
  IF OLD.seq IS NOT NULL OR NEW.seq IS NULL OR NEW.hash IS NULL OR NEW.sealed_at IS NULL
     OR (NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.entity_type, NEW.entity_id,
         NEW.subject_ids, NEW.purpose, NEW.request_id, NEW.outcome, NEW.key_id, NEW.mac)
        IS DISTINCT FROM
        (OLD.id, OLD.occurred_at, OLD.actor_type, OLD.actor_id, OLD.action, OLD.entity_type, OLD.entity_id,
         OLD.subject_ids, OLD.purpose, OLD.request_id, OLD.outcome, OLD.key_id, OLD.mac) THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_entries_append_only
  BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_guard();
--> statement-breakpoint
CREATE TRIGGER audit_entries_no_truncate
  BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_guard();
