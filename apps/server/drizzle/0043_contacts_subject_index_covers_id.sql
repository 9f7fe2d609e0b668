-- The processing guard reads (subject id, contact id) of every person in a segment; with the contact id in the unique
-- index of subject ids, a 100,000-person segment is read from the index (5 MB) instead of the table (110 MB).
-- Drizzle cannot declare INCLUDE, so schema.ts keeps declaring the index by its name and column only.
CREATE UNIQUE INDEX "contacts_subject_id_covering_key" ON "contacts" USING btree ("subject_id") INCLUDE ("id");--> statement-breakpoint
DROP INDEX "contacts_subject_id_key";--> statement-breakpoint
ALTER INDEX "contacts_subject_id_covering_key" RENAME TO "contacts_subject_id_key";
