CREATE TABLE "erasure_certificates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"request_id" uuid,
	"document" text NOT NULL,
	"sha256" text NOT NULL,
	"issued_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"ground" text NOT NULL,
	"purpose" text NOT NULL,
	"fields" text[] NOT NULL,
	"reference" text NOT NULL,
	"until" date,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lifted_at" timestamp (3) with time zone,
	"lifted_by" uuid
);
--> statement-breakpoint
ALTER TABLE "erasure_certificates" ADD CONSTRAINT "erasure_certificates_request_id_dsr_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."dsr_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_purpose_purposes_key_fk" FOREIGN KEY ("purpose") REFERENCES "public"."purposes"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_holds_contact_idx" ON "legal_holds" USING btree ("contact_id") WHERE "legal_holds"."lifted_at" is null;--> statement-breakpoint
CREATE FUNCTION erasure_certificates_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'erasure certificates are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER erasure_certificates_append_only
  BEFORE UPDATE OR DELETE ON erasure_certificates
  FOR EACH ROW EXECUTE FUNCTION erasure_certificates_guard();
--> statement-breakpoint
CREATE TRIGGER erasure_certificates_no_truncate
  BEFORE TRUNCATE ON erasure_certificates
  FOR EACH STATEMENT EXECUTE FUNCTION erasure_certificates_guard();
