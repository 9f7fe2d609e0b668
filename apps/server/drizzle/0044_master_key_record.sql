CREATE TABLE "master_key_record" (
	"only" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"key_id" varchar(16) NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "master_key_record_one_row" CHECK ("master_key_record"."only")
);
