CREATE TABLE "subject_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"content" "bytea",
	"flags" jsonb NOT NULL,
	"prepared_at" timestamp (3) with time zone NOT NULL,
	"released_at" timestamp (3) with time zone,
	"released_by" uuid,
	"token_hash" text,
	"expires_at" timestamp (3) with time zone,
	"downloaded_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "subject_packages" ADD CONSTRAINT "subject_packages_request_id_dsr_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."dsr_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_packages" ADD CONSTRAINT "subject_packages_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_packages" ADD CONSTRAINT "subject_packages_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subject_packages_request_idx" ON "subject_packages" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subject_packages_token_idx" ON "subject_packages" USING btree ("token_hash");