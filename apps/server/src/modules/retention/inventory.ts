import type { DataCategory, Inventory, InventoryRow, Purpose } from '@custodian/contracts';
import { stringify } from 'csv-stringify/sync';
import { type SQL, sql } from 'drizzle-orm';
import { catalog } from '../../catalog/declarations.js';
import type { EntityDeclaration } from '../../catalog/types.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, queryRows } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import {
  type CustomKeysByCategory,
  categoriesEndedBy,
  customKeysByCategory,
  nextDueAt,
  presenceOf,
  tableOfTarget,
} from './evaluate.js';
import { findPoliciesToApply } from './policies.js';

/**
 * How to count each table holding personal data: its key, the people its records are about, and the time
 * that dates a record. A table the catalog declares personal but this map misses stops the inventory.
 */
const counting: Record<string, { key: string; people: SQL | null; time: string; join?: SQL }> = {
  contacts: { key: 'id', people: sql`count(distinct c.id)`, time: 'created_at' },
  companies: { key: 'id', people: null, time: 'created_at' },
  activities: {
    key: 'id',
    people: sql`count(distinct ac.contact_id)`,
    time: 'occurred_at',
    join: sql`left join activity_contacts ac on ac.activity_id = c.id`,
  },
  tasks: { key: 'id', people: sql`count(distinct c.contact_id)`, time: 'created_at' },
  consent_events: { key: 'id', people: sql`count(distinct c.subject_id)`, time: 'occurred_at' },
  dsr_requests: { key: 'id', people: sql`count(distinct c.id)`, time: 'received_at' },
  dsr_request_events: { key: 'seq', people: sql`count(distinct c.request_id)`, time: 'at' },
  subject_packages: { key: 'id', people: sql`count(distinct c.subject_id)`, time: 'prepared_at' },
  users: { key: 'id', people: sql`count(distinct c.id)`, time: 'created_at' },
  recipients: { key: 'id', people: sql`count(distinct c.id)`, time: 'created_at' },
  lead_scores: { key: 'contact_id', people: sql`count(distinct c.contact_id)`, time: 'computed_at' },
};

/** Records of a request go with it. */
const tablesEndedBy = (target: keyof typeof tableOfTarget): string[] =>
  target === 'request' ? ['dsr_requests', 'dsr_request_events'] : [tableOfTarget[target]];

interface CustomField {
  key: string;
  category: DataCategory;
  purposes: Purpose[];
}

/** Per category of an entity: its fields and their purposes (custom fields by their own classification). */
function categoriesOf(entity: EntityDeclaration, custom: readonly CustomField[]) {
  const out = new Map<DataCategory, { fields: string[]; purposes: Set<Purpose> }>();
  const add = (category: DataCategory, field: string, purposes: readonly Purpose[]) => {
    const entry = out.get(category) ?? { fields: [], purposes: new Set<Purpose>() };
    entry.fields.push(field);
    for (const p of purposes) entry.purposes.add(p);
    out.set(category, entry);
  };
  for (const [field, decl] of Object.entries(entity.personal)) {
    if (entity.table === 'contacts' && field === 'customFields')
      for (const f of custom) add(f.category, `customFields.${f.key}`, f.purposes);
    else add(decl.category, field, decl.purposes);
  }
  return out;
}

async function countEntity(
  ex: Executor,
  entity: EntityDeclaration,
  customKeys: CustomKeysByCategory,
  custom: readonly CustomField[],
): Promise<Omit<InventoryRow, 'nextRetentionAt' | 'policyIds'>[]> {
  const how = counting[entity.table];
  if (!how) throw new Error(`The inventory does not know how to count ${entity.table}`);
  const presence = presenceOf(entity, 'c', entity.table === 'contacts' ? customKeys : null);
  const categories = [...categoriesOf(entity, custom)].filter(([category]) => presence.has(category));
  if (categories.length === 0) return [];
  const key = sql.raw(`c.${how.key}`);
  const time = sql.raw(`c.${how.time}`);
  const columns = categories.flatMap(([category], i) => {
    const p = presence.get(category)!;
    return [
      sql`count(distinct ${key}) filter (where ${p})::int as ${sql.identifier(`r${i}`)}`,
      how.people
        ? sql`${how.people} filter (where ${p})::int as ${sql.identifier(`p${i}`)}`
        : sql`null as ${sql.identifier(`p${i}`)}`,
      sql`min(${time}) filter (where ${p}) as ${sql.identifier(`o${i}`)}`,
    ];
  });
  const [row] = await queryRows<Record<string, number | string | Date | null>>(
    ex,
    sql`select ${sql.join(columns, sql`, `)} from ${sql.identifier(entity.table)} c ${how.join ?? sql``}`,
  );
  const retention = Object.values(entity.personal)[0]!.retention;
  return categories.map(([category, { fields, purposes }], i) => ({
    entity: entity.entity,
    table: entity.table,
    category,
    fields,
    purposes: [...purposes].sort(),
    retention,
    records: Number(row?.[`r${i}`] ?? 0),
    people: row?.[`p${i}`] === null || row?.[`p${i}`] === undefined ? null : Number(row[`p${i}`]),
    oldestRecordAt: row?.[`o${i}`] ? new Date(row[`o${i}`] as string).toISOString() : null,
  }));
}

export async function buildInventory({
  db,
  keys,
  ctx,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}): Promise<Inventory> {
  assertPermission(ctx.actor, 'retention:read');
  const customKeys = await customKeysByCategory(db);
  const custom = await queryRows<CustomField>(
    db,
    sql`select key, category, purposes from custom_fields where entity = 'contact' and category is not null order by key`,
  );
  const counted = [];
  for (const entity of catalog)
    if (Object.keys(entity.personal).length > 0)
      counted.push(...(await countEntity(db, entity, customKeys, custom)));

  // When retention next acts on each table and category.
  const next = new Map<string, { at: Date | null; policyIds: string[] }>();
  for (const policy of await findPoliciesToApply(db)) {
    const at = await nextDueAt(db, policy, customKeys);
    const categories = categoriesEndedBy(policy, customKeys);
    for (const table of tablesEndedBy(policy.target as keyof typeof tableOfTarget))
      for (const category of table === 'dsr_request_events'
        ? counted.filter((r) => r.table === table).map((r) => r.category)
        : categories) {
        const k = `${table}:${category}`;
        const entry = next.get(k) ?? { at: null, policyIds: [] };
        entry.policyIds.push(policy.id);
        if (at && (!entry.at || at < entry.at)) entry.at = at;
        next.set(k, entry);
      }
  }
  const rows: InventoryRow[] = counted.map((r) => {
    const n = next.get(`${r.table}:${r.category}`);
    return { ...r, nextRetentionAt: n?.at?.toISOString() ?? null, policyIds: n?.policyIds ?? [] };
  });
  await recordAudit(db, keys, ctx, { action: 'inventory.read', entityType: 'inventory' });
  return { generatedAt: new Date().toISOString(), rows };
}

/** One CSV row per purpose, category and table. */
export function inventoryCsv(inventory: Inventory): string {
  const header = [
    'purpose',
    'category',
    'table',
    'fields',
    'people',
    'records',
    'oldest_record',
    'next_retention',
    'retention_class',
  ];
  const lines = inventory.rows.flatMap((r) =>
    r.purposes.map((purpose) => [
      purpose,
      r.category,
      r.table,
      r.fields.join(' '),
      r.people ?? '',
      r.records,
      r.oldestRecordAt ?? '',
      r.nextRetentionAt ?? '',
      r.retention,
    ]),
  );
  lines.sort((a, b) => `${a[0]}:${a[1]}:${a[2]}`.localeCompare(`${b[0]}:${b[1]}:${b[2]}`));
  return stringify([header, ...lines]);
}
