ALTER TABLE "imports" ALTER COLUMN "lawful_basis" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "kind" text DEFAULT 'contacts' NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "shown_since" timestamp (3) with time zone;