CREATE TABLE "contact_tags" (
	"contact_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_tags_contact_id_tag_id_pk" PRIMARY KEY("contact_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"first_name" "bytea",
	"last_name" "bytea",
	"name_tokens" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"emails" "bytea",
	"email_tokens" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"phones" "bytea",
	"phone_tokens" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"addresses" "bytea",
	"job_title" "bytea",
	"date_of_birth" "bytea",
	"owner_id" uuid,
	"source" text NOT NULL,
	"lifecycle_stage" text NOT NULL,
	"last_activity_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_tags" ADD CONSTRAINT "contact_tags_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_tags" ADD CONSTRAINT "contact_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_tags_tag_idx" ON "contact_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_subject_id_key" ON "contacts" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "contacts_name_tokens_idx" ON "contacts" USING gin ("name_tokens");--> statement-breakpoint
CREATE INDEX "contacts_email_tokens_idx" ON "contacts" USING gin ("email_tokens");--> statement-breakpoint
CREATE INDEX "contacts_phone_tokens_idx" ON "contacts" USING gin ("phone_tokens");--> statement-breakpoint
CREATE INDEX "contacts_created_at_id_idx" ON "contacts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "contacts_updated_at_id_idx" ON "contacts" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "contacts_last_activity_idx" ON "contacts" USING btree (coalesce("last_activity_at", 'epoch'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "contacts_owner_idx" ON "contacts" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "contacts_stage_idx" ON "contacts" USING btree ("lifecycle_stage","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_key" ON "tags" USING btree (lower("name"));