-- Staff e-mails and names become ciphertexts under each staff member's own key. Rows written before
-- keep their plaintext in legacy_* columns until the server (or `custodian migrate`) seals them at
-- start-up; a later migration drops those columns.
DROP INDEX IF EXISTS "users_email_key";--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "email" TO "legacy_email";--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "name" TO "legacy_name";--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "legacy_email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "legacy_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "subject_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email" bytea;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_index" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "name" bytea;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_subject_id_data_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."data_subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_index_key" ON "users" USING btree ("email_index");--> statement-breakpoint
CREATE UNIQUE INDEX "users_subject_id_key" ON "users" USING btree ("subject_id");
