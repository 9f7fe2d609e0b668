CREATE TABLE "request_verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"mailed_at" timestamp (3) with time zone,
	"used_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_verifications" ADD CONSTRAINT "request_verifications_request_id_dsr_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."dsr_requests"("id") ON DELETE no action ON UPDATE no action;