import type { SegmentFilter } from '@custodian/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';

const uuids = (ids: readonly string[]) => arrayParam(ids, 'uuid');
const texts = (values: readonly string[]) => arrayParam(values, 'text');

/**
 * The condition a segment's filter puts on `contacts c`: every part must hold. Built from parameters only;
 * one statement counts or lists the members, whatever the number of people.
 */
export function segmentCondition(f: SegmentFilter, now = new Date()): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.lifecycleStages) parts.push(sql`c.lifecycle_stage = any(${texts(f.lifecycleStages)})`);
  if (f.sources) parts.push(sql`c.source = any(${texts(f.sources)})`);
  if (f.ownerIds) parts.push(sql`c.owner_id = any(${uuids(f.ownerIds)})`);
  if (f.companyIds) parts.push(sql`c.company_id = any(${uuids(f.companyIds)})`);
  if (f.tagIds)
    parts.push(
      sql`exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = any(${uuids(f.tagIds)}))`,
    );
  if (f.excludeTagIds)
    parts.push(
      sql`not exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = any(${uuids(f.excludeTagIds)}))`,
    );
  if (f.createdFrom) parts.push(sql`c.created_at >= ${new Date(f.createdFrom)}`);
  if (f.createdTo) parts.push(sql`c.created_at < ${new Date(f.createdTo)}`);
  if (f.activeWithinDays)
    parts.push(sql`c.last_activity_at >= ${new Date(now.getTime() - f.activeWithinDays * 86_400_000)}`);
  if (f.inactiveForDays)
    parts.push(
      sql`coalesce(c.last_activity_at, 'epoch'::timestamptz) < ${new Date(now.getTime() - f.inactiveForDays * 86_400_000)}`,
    );
  if (f.dealStageIds)
    parts.push(
      sql`exists (select 1 from deal_contacts dc join deals d on d.id = dc.deal_id
                  where dc.contact_id = c.id and d.stage_id = any(${uuids(f.dealStageIds)}))`,
    );
  if (f.consent) {
    const statuses = f.consent.statuses;
    const known = statuses.filter((s) => s !== 'none');
    const state = sql`(select cs.consent from consent_states cs where cs.subject_id = c.subject_id and cs.purpose = ${f.consent.purpose})`;
    const alternatives: SQL[] = [];
    if (known.length > 0) alternatives.push(sql`${state} = any(${texts(known)})`);
    if (statuses.includes('none')) alternatives.push(sql`coalesce(${state}, 'none') = 'none'`);
    parts.push(sql`(${sql.join(alternatives, sql` or `)})`);
  }
  if (f.hasEmail !== undefined)
    parts.push(f.hasEmail ? sql`cardinality(c.email_tokens) > 0` : sql`cardinality(c.email_tokens) = 0`);
  if (f.customFieldsSet) parts.push(sql`c.custom_field_keys @> ${texts(f.customFieldsSet)}`);
  return sql.join(parts, sql` and `);
}
