import type { BatchMayProcessInput, ConsentStatus, LawfulBasis } from '@custodian/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';

/** What the guard knows about one person for one purpose, read in bulk. */
export interface GuardFacts {
  erased: boolean;
  hasContract: boolean;
  consent: ConsentStatus | null;
  stale: boolean;
  parentalConsentMissing: boolean;
  objected: boolean;
  restricted: boolean;
  optedOutOfSaleOrSharing: boolean;
  limitedSensitiveUse: boolean;
}

export type GuardTarget =
  | { contactIds: readonly string[] }
  | { segment: NonNullable<BatchMayProcessInput['segment']> };

const uuidArray = (ids: readonly string[]) => arrayParam(ids, 'uuid');

function targetFilter(target: GuardTarget): SQL {
  if ('contactIds' in target) return sql`c.id = any(${uuidArray(target.contactIds)})`;
  const s = target.segment;
  const parts: SQL[] = [sql`true`];
  if (s.lifecycleStage) parts.push(sql`c.lifecycle_stage = ${s.lifecycleStage}`);
  if (s.ownerId) parts.push(sql`c.owner_id = ${s.ownerId}`);
  if (s.companyId) parts.push(sql`c.company_id = ${s.companyId}`);
  if (s.tagId)
    parts.push(
      sql`exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = ${s.tagId})`,
    );
  return sql.join(parts, sql` and `);
}

/** The yes-or-no facts, in the order of their bits in a row's `flags`. */
const flagOrder = [
  'erased',
  'hasContract',
  'stale',
  'parentalConsentMissing',
  'objected',
  'restricted',
  'optedOutOfSaleOrSharing',
  'limitedSensitiveUse',
] as const satisfies readonly (keyof GuardFacts)[];

/**
 * One person's facts as the query returns them: the yes-or-no ones packed into one integer, so that a
 * 100,000-person segment is 400,000 fields to read instead of 1,100,000. People with the same `flags` and
 * `consent` get the same answer (see `factsOf`).
 */
export interface GuardRow {
  contactId: string;
  subjectId: string;
  consent: ConsentStatus | null;
  flags: number;
}

export function factsOf(row: Pick<GuardRow, 'consent' | 'flags'>): GuardFacts {
  const facts = { consent: row.consent } as GuardFacts;
  flagOrder.forEach((name, bit) => {
    facts[name] = (row.flags & (1 << bit)) !== 0;
  });
  return facts;
}

/**
 * One query for any number of people: the consent state, flags and choices the guard decides on. Whether a
 * person is erased comes from the small index of shredded subjects (a hashed lookup), not from a join with
 * every subject key (activities have theirs too: a million rows read for a 100,000-person segment). Costly
 * parts are only computed for the lawful basis that needs them (a contract check only for contract, the
 * stale-notice check only for consent).
 */
export async function findGuardFacts(
  ex: Executor,
  purpose: { key: string; lawfulBasis: LawfulBasis },
  target: GuardTarget,
): Promise<GuardRow[]> {
  const hasContract =
    purpose.lawfulBasis === 'contract'
      ? sql`(c.lifecycle_stage = 'customer' or exists (
          select 1 from deal_contacts dc
          join deals d on d.id = dc.deal_id
          join pipeline_stages ps on ps.id = d.stage_id
          where dc.contact_id = c.id and ps.kind = 'won'))`
      : sql`false`;
  // The notice versions a later one (requiring re-consent for this purpose) replaced: a handful, read once.
  const staleNotices =
    purpose.lawfulBasis === 'consent'
      ? (
          await queryRows<{ id: string }>(
            ex,
            sql`select n.id from notices n where exists (
                  select 1 from notices m
                  where m.key = n.key and m.version > n.version and m.requires_reconsent
                    and ${purpose.key} = any(m.purposes))`,
          )
        ).map((r) => r.id)
      : [];
  const stale =
    staleNotices.length > 0
      ? sql`coalesce(cs.consent = 'given' and cs.notice_id = any(${uuidArray(staleNotices)}), false)`
      : sql`false`;
  const facts: Record<(typeof flagOrder)[number], SQL> = {
    erased: sql`exists (select 1 from data_subjects ds where ds.id = c.subject_id and ds.shredded_at is not null)`,
    hasContract,
    stale,
    parentalConsentMissing: sql`coalesce(cs.parental_consent_missing, false)`,
    objected: sql`coalesce(cs.objected, false)`,
    restricted: sql`coalesce(cs.restricted, false)`,
    optedOutOfSaleOrSharing: sql`coalesce(sc.opted_out_of_sale_or_sharing, false)`,
    limitedSensitiveUse: sql`coalesce(sc.limited_sensitive_use, false)`,
  };
  const flags = sql.join(
    flagOrder.map(
      (name, bit) => sql`(case when ${facts[name]} then ${sql.raw(String(1 << bit))} else 0 end)`,
    ),
    sql` | `,
  );
  return queryRows<GuardRow>(
    ex,
    sql`select c.id as "contactId", c.subject_id as "subjectId", cs.consent as "consent", ${flags} as "flags"
        from contacts c
        left join consent_states cs on cs.subject_id = c.subject_id and cs.purpose = ${purpose.key}
        left join subject_choices sc on sc.subject_id = c.subject_id
        where ${targetFilter(target)}`,
  );
}
