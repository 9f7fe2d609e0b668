import { sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { type ContactRecord, countryOf } from '../contacts/index.js';
import { anonymousRecords } from './schema.js';

/** A birth date as the five-year band of its year: `1984-05-02` → `1980-1984`. */
export function birthYearsOf(dateOfBirth: string | null): string | null {
  const year = dateOfBirth ? Number(dateOfBirth.slice(0, 4)) : Number.NaN;
  if (!Number.isInteger(year)) return null;
  const low = Math.floor(year / 5) * 5;
  return `${low}-${low + 4}`;
}

/** How many activities and won deals each contact has (or had, just before anonymisation). */
export async function activityAndDealCounts(
  ex: Executor,
  contactIds: readonly string[],
): Promise<Map<string, { activities: number; dealsWon: number }>> {
  if (contactIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; activities: number; deals_won: number }>(
    ex,
    sql`select c.id,
               (select count(*) from activity_contacts ac where ac.contact_id = c.id)::int as activities,
               (select count(*) from deal_contacts dc join deals d on d.id = dc.deal_id
                  join pipeline_stages s on s.id = d.stage_id
                where dc.contact_id = c.id and s.kind = 'won')::int as deals_won
        from contacts c where c.id = any(${arrayParam(contactIds, 'uuid')})`,
  );
  return new Map(
    rows.map((r) => [r.id, { activities: Number(r.activities), dealsWon: Number(r.deals_won) }]),
  );
}

/**
 * Keeps, for each of these contacts, a statistical record without identifiers (the caller then erases them in
 * the same transaction): lifecycle stage, source, month of creation, country, five-year birth band, and how
 * many activities and won deals they had.
 */
export async function anonymiseContacts(ex: Executor, contacts: readonly ContactRecord[]): Promise<number> {
  if (contacts.length === 0) return 0;
  const counts = await activityAndDealCounts(
    ex,
    contacts.map((c) => c.row.id),
  );
  const month = new Date().toISOString().slice(0, 7);
  await ex.insert(anonymousRecords).values(
    contacts.map((c) => ({
      kind: 'contact',
      lifecycleStage: c.row.lifecycleStage,
      source: c.row.source,
      createdMonth: c.row.createdAt.toISOString().slice(0, 7),
      country: countryOf(c.personal),
      birthYears: birthYearsOf(c.personal.dateOfBirth),
      activities: counts.get(c.row.id)?.activities ?? 0,
      dealsWon: counts.get(c.row.id)?.dealsWon ?? 0,
      anonymisedMonth: month,
    })),
  );
  return contacts.length;
}
