ALTER TABLE "legal_holds" ALTER COLUMN "contact_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD COLUMN "deal_id" uuid;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_holds_deal_idx" ON "legal_holds" USING btree ("deal_id") WHERE "legal_holds"."lifted_at" is null;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_one_scope" CHECK (num_nonnulls("legal_holds"."contact_id", "legal_holds"."deal_id") = 1);