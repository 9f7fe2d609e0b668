CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"purpose" text,
	"notice_id" uuid,
	"language" text,
	"method" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"relates_to" uuid,
	"conflicts_with" uuid,
	"merged_from" uuid,
	"minor" boolean DEFAULT false NOT NULL,
	"has_parental_consent" boolean DEFAULT false NOT NULL,
	"source" "bytea",
	"network_address_hash" "bytea",
	"user_agent" "bytea",
	"jurisdiction" "bytea",
	"age_check" "bytea",
	"parental_consent_reference" "bytea",
	"note" "bytea",
	CONSTRAINT "consent_events_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "consent_states" (
	"subject_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"consent" text DEFAULT 'none' NOT NULL,
	"consent_event_id" uuid,
	"notice_id" uuid,
	"parental_consent_missing" boolean DEFAULT false NOT NULL,
	"objected" boolean DEFAULT false NOT NULL,
	"restricted" boolean DEFAULT false NOT NULL,
	"last_occurred_at" timestamp (3) with time zone NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_states_subject_id_purpose_pk" PRIMARY KEY("subject_id","purpose")
);
--> statement-breakpoint
CREATE TABLE "subject_choices" (
	"subject_id" uuid PRIMARY KEY NOT NULL,
	"opted_out_of_sale_or_sharing" boolean DEFAULT false NOT NULL,
	"limited_sensitive_use" boolean DEFAULT false NOT NULL,
	"last_occurred_at" timestamp (3) with time zone NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_texts" (
	"notice_id" uuid NOT NULL,
	"language" text NOT NULL,
	"body" text NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "notice_texts_notice_id_language_pk" PRIMARY KEY("notice_id","language")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"purposes" text[] NOT NULL,
	"requires_reconsent" boolean NOT NULL,
	"published_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"published_by" uuid
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_purpose_purposes_key_fk" FOREIGN KEY ("purpose") REFERENCES "public"."purposes"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_purpose_purposes_key_fk" FOREIGN KEY ("purpose") REFERENCES "public"."purposes"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_choices" ADD CONSTRAINT "subject_choices_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_texts" ADD CONSTRAINT "notice_texts_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_subject_idx" ON "consent_events" USING btree ("subject_id","seq");--> statement-breakpoint
CREATE INDEX "consent_states_purpose_idx" ON "consent_states" USING btree ("purpose");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_key_version_idx" ON "notices" USING btree ("key","version");--> statement-breakpoint
-- The consent ledger is append-only. No event is ever changed; an event may only be deleted once its
-- person's key was shredded (erasure), when its proof is unreadable anyway.
CREATE FUNCTION consent_events_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
    SELECT 1 FROM data_subjects WHERE id = OLD.subject_id AND shredded_at IS NOT NULL
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the consent ledger is append-only' USING ERRCODE = '42501';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_events_append_only
  BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_guard();
--> statement-breakpoint
CREATE TRIGGER consent_events_no_truncate
  BEFORE TRUNCATE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION consent_events_guard();
