import type { DataCategory, RetentionPolicyReport } from '@custodian/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { activityEntity, contactEntity } from '../../catalog/declarations.js';
import { requestEntities } from '../../catalog/request-declarations.js';
import type { EntityDeclaration } from '../../catalog/types.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { auditPruneFigures } from '../audit/index.js';
import type { PolicyRow } from './policies.js';

/**
 * Policy evaluation in the database: for each policy, the records of its target whose trigger date plus the
 * period lies at or before `asOf`, with whether an active legal hold or an exemption keeps them. The same
 * query serves the preview, the dry run and the sweep, so they cannot disagree.
 */

/** Custom fields of contacts by catalog category (their keys), as classified when they were defined. */
export type CustomKeysByCategory = ReadonlyMap<DataCategory, readonly string[]>;

export async function customKeysByCategory(ex: Executor): Promise<CustomKeysByCategory> {
  const rows = await queryRows<{ category: DataCategory; keys: string[] }>(
    ex,
    sql`select category, array_agg(key order by key) as keys from custom_fields
        where entity = 'contact' and category is not null group by category`,
  );
  return new Map(rows.map((r) => [r.category, r.keys]));
}

const textArray = (values: readonly string[]) => arrayParam(values, 'text');
const uuidArray = (values: readonly string[]) => arrayParam(values, 'uuid');

/** Per catalog category, the SQL that says a record holds data of it (column-level, from the catalog). */
export function presenceOf(
  entity: EntityDeclaration,
  alias: string,
  custom: CustomKeysByCategory | null,
): Map<DataCategory, SQL> {
  const parts = new Map<DataCategory, SQL[]>();
  const add = (category: DataCategory, predicate: SQL) =>
    parts.set(category, [...(parts.get(category) ?? []), predicate]);
  for (const [field, decl] of Object.entries(entity.personal)) {
    const column = sql.raw(`${alias}.${decl.column}`);
    if (custom && field === 'customFields') {
      // Each custom field has its own category; rows written before keys were recorded count as unknown (present).
      for (const [category, keys] of custom)
        add(
          category,
          sql`(${column} is not null and (${sql.raw(alias)}.custom_field_keys is null or ${sql.raw(alias)}.custom_field_keys && ${textArray(keys)}))`,
        );
    } else add(decl.category, sql`${column} is not null`);
  }
  return new Map([...parts].map(([c, list]) => [c, sql`(${sql.join(list, sql` or `)})`]));
}

/** Under a hold in force: their own, or that of a case (deal) they are in. */
const activeHold = (contactId: SQL) =>
  sql`exists (select 1 from legal_holds h where h.lifted_at is null and (h.until is null or h.until >= current_date)
              and (h.contact_id = ${contactId}
                   or h.deal_id in (select dc.deal_id from deal_contacts dc where dc.contact_id = ${contactId})))`;

interface Shape {
  from: SQL;
  triggeredAt: SQL;
  filters: SQL[];
  held: SQL;
  exempt: SQL;
  presence: Map<DataCategory, SQL>;
}

function consentTrigger(policy: PolicyRow, state: 'withdrawn' | 'expired'): SQL {
  const purposes = textArray(policy.purposes);
  // The clock runs only while none of the purposes has consent given or pending again.
  return sql`(select case when bool_or(cs.consent in ('given', 'pending')) then null
                          else max(cs.last_occurred_at) filter (where cs.consent = ${state}) end
              from consent_states cs where cs.subject_id = c.subject_id and cs.purpose = any(${purposes}))`;
}

function shapeOf(policy: PolicyRow, custom: CustomKeysByCategory): Shape {
  switch (policy.target) {
    case 'contact': {
      const presence = presenceOf(contactEntity, 'c', custom);
      const triggeredAt = {
        created: sql`c.created_at`,
        last_activity: sql`coalesce(c.last_activity_at, c.created_at)`,
        consent_withdrawn: consentTrigger(policy, 'withdrawn'),
        consent_expired: consentTrigger(policy, 'expired'),
        // The relationship ends when the last deal closes, once one was won and none is open.
        contract_end: sql`(select case when bool_or(s.kind = 'open') or not bool_or(s.kind = 'won') then null
                                       else max(d.closed_at) end
                           from deal_contacts dc join deals d on d.id = dc.deal_id
                           join pipeline_stages s on s.id = d.stage_id where dc.contact_id = c.id)`,
      }[policy.trigger as 'created'];
      if (!triggeredAt) throw new Error(`trigger ${policy.trigger} is not for contacts`);
      const filters: SQL[] = [];
      if (policy.lifecycleStages.length > 0)
        filters.push(sql`c.lifecycle_stage = any(${textArray(policy.lifecycleStages)})`);
      if (policy.onlyWithoutConsent)
        filters.push(
          sql`not exists (select 1 from consent_states cs where cs.subject_id = c.subject_id and cs.consent in ('given', 'pending'))`,
        );
      if (policy.action === 'delete_fields') {
        const present = policy.categories.map((c) => presence.get(c as DataCategory)).filter((p) => !!p);
        filters.push(present.length > 0 ? sql`(${sql.join(present, sql` or `)})` : sql`false`);
      }
      const exemptions: SQL[] = [];
      if (policy.exemptTagIds.length > 0)
        exemptions.push(
          sql`exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = any(${uuidArray(policy.exemptTagIds)}))`,
        );
      if (policy.exemptOpenDeals)
        exemptions.push(
          sql`exists (select 1 from deal_contacts dc join deals d on d.id = dc.deal_id
                      join pipeline_stages s on s.id = d.stage_id where dc.contact_id = c.id and s.kind = 'open')`,
        );
      return {
        from: sql`contacts c`,
        triggeredAt,
        filters,
        held: activeHold(sql`c.id`),
        exempt: exemptions.length > 0 ? sql`(${sql.join(exemptions, sql` or `)})` : sql`false`,
        presence,
      };
    }
    case 'activity':
      return {
        from: sql`activities c`,
        triggeredAt: sql`c.occurred_at`,
        filters: [],
        // A note about someone under a legal hold stays with them.
        held: sql`exists (select 1 from activity_contacts ac where ac.activity_id = c.id and ${activeHold(sql`ac.contact_id`)})`,
        exempt: sql`false`,
        presence: presenceOf(activityEntity, 'c', null),
      };
    case 'request':
      return {
        from: sql`dsr_requests c`,
        triggeredAt: policy.trigger === 'request_closed' ? sql`c.closed_at` : sql`c.created_at`,
        // An open request is never deleted, whatever the trigger.
        filters: [sql`c.closed_at is not null`],
        held: sql`(c.contact_id is not null and ${activeHold(sql`c.contact_id`)})`,
        exempt: sql`false`,
        presence: presenceOf(requestEntities[0]!, 'c', null),
      };
    default:
      throw new Error(`unknown retention target ${policy.target}`);
  }
}

/** The categories whose data the policy's action removes from a record. */
function categoriesRemoved(policy: PolicyRow, shape: Shape): DataCategory[] {
  return policy.action === 'delete_fields'
    ? (policy.categories as DataCategory[]).filter((c) => shape.presence.has(c))
    : [...shape.presence.keys()];
}

const periodOf = (policy: PolicyRow) => sql`${`${policy.periodAmount} ${policy.periodUnit}`}::interval`;

/** The records past their date as of `asOf` (every record with a trigger date when null), held or exempt or not. */
function evaluated(policy: PolicyRow, shape: Shape, asOf: Date | null, extra: SQL[] = []): SQL {
  const where = [
    sql`t.triggered_at is not null`,
    ...(asOf ? [sql`t.triggered_at + ${periodOf(policy)} <= ${asOf.toISOString()}::timestamptz`] : []),
    ...shape.filters,
    ...extra,
  ];
  return sql`select c.id, t.triggered_at, ${shape.held} as held, ${shape.exempt} as exempt
             from ${shape.from} cross join lateral (select ${shape.triggeredAt} as triggered_at) t
             where ${sql.join(where, sql` and `)}`;
}

/**
 * When the policy will next act: the earliest due date among the records it applies to now (not held, not
 * exempt), which may lie in the past for records a sweep has not reached yet. Null when none has a date.
 */
export async function nextDueAt(
  ex: Executor,
  policy: PolicyRow,
  custom: CustomKeysByCategory,
): Promise<Date | null> {
  if (policy.target === 'audit_entry') {
    const [row] = await queryRows<{ next: string | Date | null }>(
      ex,
      sql`select min(occurred_at) + ${periodOf(policy)} as next from audit_entries where seq is not null`,
    );
    return row?.next ? new Date(row.next) : null;
  }
  const shape = shapeOf(policy, custom);
  const [row] = await queryRows<{ next: string | Date | null }>(
    ex,
    sql`select min(e.triggered_at + ${periodOf(policy)}) as next
        from (${evaluated(policy, shape, null, [sql`not ${shape.held}`, sql`not ${shape.exempt}`])}) e`,
  );
  return row?.next ? new Date(row.next) : null;
}

/** The catalog categories whose data the policy removes, for its target's entity. */
export function categoriesEndedBy(policy: PolicyRow, custom: CustomKeysByCategory): DataCategory[] {
  if (policy.target === 'audit_entry') return [];
  const shape = shapeOf(policy, custom);
  return categoriesRemoved(policy, shape);
}

/** The table a target's records live in. */
export const tableOfTarget = {
  contact: 'contacts',
  activity: 'activities',
  request: 'dsr_requests',
  audit_entry: 'audit_entries',
} as const;

/** The time before which a policy's records are due as of `asOf`: `asOf` less the period. */
export function cutoffOf(policy: PolicyRow, asOf: Date): Date {
  const d = new Date(asOf);
  if (policy.periodUnit === 'days') d.setUTCDate(d.getUTCDate() - policy.periodAmount);
  else d.setUTCMonth(d.getUTCMonth() - policy.periodAmount * (policy.periodUnit === 'years' ? 12 : 1));
  return d;
}

/** The people under an active legal hold (their subject ids). */
export async function heldSubjects(ex: Executor): Promise<string[]> {
  const rows = await queryRows<{ subject_id: string }>(
    ex,
    sql`select distinct c.subject_id from legal_holds h
        join contacts c on c.id = h.contact_id
                        or c.id in (select dc.contact_id from deal_contacts dc where dc.deal_id = h.deal_id)
        where h.lifted_at is null and (h.until is null or h.until >= current_date)`,
  );
  return rows.map((r) => r.subject_id);
}

export interface DueRecord {
  id: string;
  triggeredAt: Date;
  dueAt: Date;
}

const dueAtOf = (policy: PolicyRow, triggeredAt: Date): Date => {
  const d = new Date(triggeredAt);
  if (policy.periodUnit === 'days') d.setUTCDate(d.getUTCDate() + policy.periodAmount);
  else d.setUTCMonth(d.getUTCMonth() + policy.periodAmount * (policy.periodUnit === 'years' ? 12 : 1));
  return d;
};

/**
 * The next records a policy handles, in id order after `after`: past their date, not held, not exempt.
 */
export async function findDueRecords(
  ex: Executor,
  policy: PolicyRow,
  options: { asOf: Date; after: string | null; limit: number; custom: CustomKeysByCategory },
): Promise<DueRecord[]> {
  // Audit entries go as a prefix of the chain (pruneAuditTrail), not one by one.
  if (policy.target === 'audit_entry') return [];
  const shape = shapeOf(policy, options.custom);
  const extra = [sql`not ${shape.held}`, sql`not ${shape.exempt}`];
  if (options.after) extra.push(sql`c.id > ${options.after}::uuid`);
  const rows = await queryRows<{ id: string; triggered_at: string | Date }>(
    ex,
    sql`${evaluated(policy, shape, options.asOf, extra)} order by c.id limit ${options.limit}`,
  );
  return rows.map((r) => {
    const triggeredAt = new Date(r.triggered_at);
    return { id: r.id, triggeredAt, dueAt: dueAtOf(policy, triggeredAt) };
  });
}

/** A policy's figures: due, held and exempt records, the oldest trigger date, and the categories that would go. */
export async function reportPolicy(
  ex: Executor,
  policy: PolicyRow,
  options: { asOf: Date; custom: CustomKeysByCategory },
): Promise<RetentionPolicyReport> {
  if (policy.target === 'audit_entry') {
    const figures = await auditPruneFigures(ex, cutoffOf(policy, options.asOf), await heldSubjects(ex));
    return {
      policyId: policy.id,
      name: policy.name,
      target: 'audit_entry',
      action: policy.action as RetentionPolicyReport['action'],
      trigger: policy.trigger as RetentionPolicyReport['trigger'],
      due: figures.due,
      // Older entries kept because a newer one or one naming a held person comes first in the chain.
      held: figures.kept,
      exempt: 0,
      oldestTriggeredAt: figures.oldest?.toISOString() ?? null,
      categories: [],
    };
  }
  const shape = shapeOf(policy, options.custom);
  const categories = categoriesRemoved(policy, shape);
  const perCategory = categories.map(
    (c, i) =>
      sql`count(*) filter (where not e.held and not e.exempt and ${shape.presence.get(c)!})::int as ${sql.identifier(`k${i}`)}`,
  );
  const [row] = await queryRows<Record<string, number | string | Date | null>>(
    ex,
    sql`select count(*) filter (where not e.held and not e.exempt)::int as due,
               count(*) filter (where e.held)::int as held,
               count(*) filter (where e.exempt and not e.held)::int as exempt,
               min(e.triggered_at) filter (where not e.held and not e.exempt) as oldest
               ${perCategory.length > 0 ? sql`, ${sql.join(perCategory, sql`, `)}` : sql``}
        from (${evaluated(policy, shape, options.asOf)}) e join ${shape.from} on c.id = e.id`,
  );
  return {
    policyId: policy.id,
    name: policy.name,
    target: policy.target as RetentionPolicyReport['target'],
    action: policy.action as RetentionPolicyReport['action'],
    trigger: policy.trigger as RetentionPolicyReport['trigger'],
    due: Number(row?.due ?? 0),
    held: Number(row?.held ?? 0),
    exempt: Number(row?.exempt ?? 0),
    oldestTriggeredAt: row?.oldest ? new Date(row.oldest as string).toISOString() : null,
    categories: categories
      .map((category, i) => ({ category, records: Number(row?.[`k${i}`] ?? 0) }))
      .filter((c) => c.records > 0),
  };
}
