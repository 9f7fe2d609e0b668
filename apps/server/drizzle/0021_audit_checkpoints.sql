CREATE TABLE "audit_checkpoints" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"hash" "bytea" NOT NULL,
	"entries" integer NOT NULL,
	"pruned_through" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"key_id" text NOT NULL,
	"mac" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "retention_run_items" ADD COLUMN "records" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Retention may prune the oldest sealed entries, as a prefix of the chain and only up to a checkpoint written
-- first (signed with the audit MAC key, which the database never sees); everything else stays append-only.
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
CREATE FUNCTION audit_checkpoints_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit checkpoints are append-only' USING ERRCODE = '42501';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_guard();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_guard();
--> statement-breakpoint
INSERT INTO "retention_policies" ("id", "name", "description", "target", "trigger", "period_amount", "period_unit", "action", "shipped") VALUES
  ('7e7e0000-0000-4000-8000-000000000006', 'Audit trail', 'Audit entries (random ids, no personal data) are kept 6 years, then the oldest are pruned from the chain behind a signed checkpoint; entries naming a person under a legal hold stop the pruning.', 'audit_entry', 'created', 6, 'years', 'delete_record', true);
