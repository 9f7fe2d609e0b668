-- Hand-written (drizzle-kit generate --custom): a lead score goes in the transaction that records any change
-- of the person's stance on profiling — an objection, a withdrawal, a restriction, an opt-out, from whichever
-- path appends it to the consent ledger (staff API, request fulfilment, preference centre, unsubscribe link,
-- public forms, erasure under a hold, merges). The next run scores the person again only if the processing
-- guard allows it.
CREATE FUNCTION lead_scores_forget_subject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM lead_scores WHERE subject_id = NEW.subject_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_events_forget_lead_score
  AFTER INSERT ON consent_events
  FOR EACH ROW
  WHEN (NEW.purpose = 'profiling' OR NEW.purpose IS NULL)
  EXECUTE FUNCTION lead_scores_forget_subject();
