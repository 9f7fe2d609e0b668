CREATE TABLE "data_subjects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wrapped_key" "bytea",
	"key_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"shredded_at" timestamp with time zone
);
