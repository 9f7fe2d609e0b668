import type { ScoringCondition } from '@custodian/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import type { RuleSnapshot } from './schema.js';

const uuids = (ids: readonly string[]) => arrayParam(ids, 'uuid');
const texts = (values: readonly string[]) => arrayParam(values, 'text');
const columnOf = { firstName: 'first_name', lastName: 'last_name', jobTitle: 'job_title' } as const;

const flag = (predicate: SQL): SQL => sql`(case when ${predicate} then 1 else 0 end)`;

/**
 * How many times a condition matches contact `c`: 0 or 1, or for activities the occurrences within the window,
 * capped. Built from parameters only, over what is stored in clear (a personal field only by whether it is set).
 */
export function matchCount(condition: ScoringCondition, asOf: Date): SQL {
  switch (condition.kind) {
    case 'activity': {
      const since = new Date(asOf.getTime() - condition.withinDays * 86_400_000);
      return sql`least((select count(*) from activity_contacts ac join activities a on a.id = ac.activity_id
                        where ac.contact_id = c.id and a.type = any(${texts(condition.types)})
                          and a.occurred_at >= ${since} and a.occurred_at <= ${asOf}), ${condition.maxCount})::int`;
    }
    case 'lifecycle_stage':
      return flag(sql`c.lifecycle_stage = any(${texts(condition.stages)})`);
    case 'source':
      return flag(sql`c.source = any(${texts(condition.sources)})`);
    case 'tag':
      return flag(
        sql`exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = any(${uuids(condition.tagIds)}))`,
      );
    case 'field_present': {
      const [, key] = condition.field.split('.');
      if (key) return flag(sql`coalesce(c.custom_field_keys @> ${texts([key])}, false)`);
      const column = columnOf[condition.field as keyof typeof columnOf];
      return flag(sql`${sql.identifier('c')}.${sql.identifier(column)} is not null`);
    }
    case 'open_deal': {
      const parts: SQL[] = [sql`dc.contact_id = c.id`, sql`ps.kind = 'open'`];
      if (condition.pipelineId) parts.push(sql`d.pipeline_id = ${condition.pipelineId}::uuid`);
      if (condition.stageIds) parts.push(sql`d.stage_id = any(${uuids(condition.stageIds)})`);
      return flag(
        sql`exists (select 1 from deal_contacts dc join deals d on d.id = dc.deal_id
                    join pipeline_stages ps on ps.id = d.stage_id where ${sql.join(parts, sql` and `)})`,
      );
    }
  }
}

/** Per contact, how often each rule matches (in the rules' order): one statement for the whole batch. */
export async function countMatches(
  ex: Executor,
  rules: readonly RuleSnapshot[],
  contactIds: readonly string[],
  asOf: Date,
): Promise<Map<string, number[]>> {
  if (contactIds.length === 0) return new Map();
  const columns = rules.map((r, i) => sql`${matchCount(r.condition, asOf)} as ${sql.identifier(`r${i}`)}`);
  const rows = await queryRows<Record<string, string | number>>(
    ex,
    sql`select c.id ${columns.length > 0 ? sql`, ${sql.join(columns, sql`, `)}` : sql``}
        from contacts c where c.id = any(${uuids(contactIds)})`,
  );
  return new Map(
    rows.map((row) => [String(row.id), rules.map((_, i) => Number(row[`r${i}`] ?? 0))] as const),
  );
}
