CREATE TABLE "dsr_request_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"note" "bytea"
);
--> statement-breakpoint
CREATE TABLE "dsr_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"type" text NOT NULL,
	"regime" text NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"contact_id" uuid,
	"requester_email" "bytea",
	"requester_email_token" bigint,
	"requester_name" "bytea",
	"details" "bytea",
	"purposes" text[] NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"original_due_at" timestamp (3) with time zone NOT NULL,
	"extended_due_at" timestamp (3) with time zone NOT NULL,
	"acknowledge_by" timestamp (3) with time zone,
	"acknowledged_at" timestamp (3) with time zone,
	"extended_at" timestamp (3) with time zone,
	"extension_reason" text,
	"verified_at" timestamp (3) with time zone,
	"verification_method" text,
	"verified_by" uuid,
	"assigned_to" uuid,
	"rejection_reason" text,
	"duplicate_of" uuid,
	"closed_at" timestamp (3) with time zone,
	"reminder_sent_at" timestamp (3) with time zone,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dsr_request_events" ADD CONSTRAINT "dsr_request_events_request_id_dsr_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."dsr_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_request_events" ADD CONSTRAINT "dsr_request_events_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_verified_by_users_id_fk" FOREIGN KEY ("verified_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dsr_request_events_request_idx" ON "dsr_request_events" USING btree ("request_id","seq");--> statement-breakpoint
CREATE INDEX "dsr_requests_due_idx" ON "dsr_requests" USING btree ("due_at","id");--> statement-breakpoint
CREATE INDEX "dsr_requests_contact_idx" ON "dsr_requests" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "dsr_requests_requester_idx" ON "dsr_requests" USING btree ("requester_email_token");