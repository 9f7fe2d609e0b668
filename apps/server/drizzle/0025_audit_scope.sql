ALTER TABLE "audit_entries" ADD COLUMN "format" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "token_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "access" text;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "categories" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_entries_actor_time_idx" ON "audit_entries" USING btree ("actor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_entries_token_time_idx" ON "audit_entries" USING btree ("token_id","occurred_at") WHERE "audit_entries"."token_id" is not null;--> statement-breakpoint
-- The sealer may set seq/prev_hash/hash/sealed_at once; every recorded column, the new ones included, stays as written.
CREATE OR REPLACE FUNCTION audit_entries_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL
     AND OLD.seq <= (SELECT coalesce(max(seq), 0) FROM audit_checkpoints) THEN
    RETURN OLD;
  END IF;
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = '42501';
  END IF;
  IF OLD.seq IS NOT NULL OR NEW.seq IS NULL OR NEW.hash IS NULL OR NEW.sealed_at IS NULL
     OR (NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.entity_type, NEW.entity_id,
         NEW.subject_ids, NEW.purpose, NEW.request_id, NEW.outcome, NEW.key_id, NEW.mac,
         NEW.format, NEW.token_id, NEW.access, NEW.categories)
        IS DISTINCT FROM
        (OLD.id, OLD.occurred_at, OLD.actor_type, OLD.actor_id, OLD.action, OLD.entity_type, OLD.entity_id,
         OLD.subject_ids, OLD.purpose, OLD.request_id, OLD.outcome, OLD.key_id, OLD.mac,
         OLD.format, OLD.token_id, OLD.access, OLD.categories) THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
