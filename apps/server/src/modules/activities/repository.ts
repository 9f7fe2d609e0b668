import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { activityEntity, openPersonalFields, sealPersonalFields } from '../../catalog/index.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { newRowId } from '../../platform/db/ids.js';
import { keyset } from '../../platform/db/keyset.js';
import type { NewSubject, SubjectKeyStore } from '../subjects/index.js';
import { activities, activityContacts } from './schema.js';

export type ActivityRow = typeof activities.$inferSelect;
export interface ActivityText {
  subject: string | null;
  body: string | null;
}
export interface ActivityRecord {
  row: ActivityRow;
  text: ActivityText;
  contactIds: string[];
}
export type ActivityAttributes = Pick<
  ActivityRow,
  'type' | 'occurredAt' | 'durationMinutes' | 'direction' | 'companyId' | 'dealId' | 'createdBy'
>;

const fieldOfConstraint: Record<string, string> = {
  activities_company_id_companies_id_fk: 'body.companyId',
  activities_deal_id_deals_id_fk: 'body.dealId',
};
function translate(err: unknown): never {
  rethrowMissingLink(err, fieldOfConstraint);
}

/** A new activity with a key of its own; its text is sealed under that key. */
export async function insertActivity(
  ex: Executor,
  subjects: SubjectKeyStore,
  text: ActivityText,
  attributes: ActivityAttributes,
): Promise<ActivityRow> {
  const subjectId = await subjects.createSubject(ex);
  const key = await subjects.keyFor(ex, subjectId);
  try {
    const [row] = await ex
      .insert(activities)
      .values({
        subjectId,
        ...attributes,
        ...sealPersonalFields(activityEntity, key, subjectId, { ...text }),
      })
      .returning();
    return row!;
  } catch (err) {
    translate(err);
  }
}

/** A new activity's key and its text sealed under it, made before any database work (`sealNewActivities`). */
export interface SealedActivity {
  subject: NewSubject;
  sealed: Record<string, Buffer | null>;
}

/**
 * New activities' texts sealed in memory, each under a fresh key of its own: nothing is stored until
 * `insertActivitiesBatch`, and one never inserted simply vanishes with its key.
 */
export function sealNewActivities(
  subjects: SubjectKeyStore,
  texts: readonly ActivityText[],
): SealedActivity[] {
  const fresh = subjects.newSubjects(texts.length);
  return texts.map((text, i) => ({
    subject: fresh[i]!,
    sealed: sealPersonalFields(activityEntity, fresh[i]!.key, fresh[i]!.id, { ...text }),
  }));
}

/**
 * Many new activities at once (an import), sealed beforehand (`sealNewActivities`): one statement for their
 * keys, one for the rows, one for the links to their people. Returns them in input order.
 */
export async function insertActivitiesBatch(
  ex: Executor,
  subjects: SubjectKeyStore,
  items: readonly {
    activity: SealedActivity;
    attributes: ActivityAttributes;
    contactIds: readonly string[];
  }[],
): Promise<{ id: string; subjectId: string }[]> {
  if (items.length === 0) return [];
  await subjects.insertSubjects(
    ex,
    items.map((item) => item.activity.subject),
  );
  const subjectIds = items.map((item) => item.activity.subject.id);
  const ids = items.map(() => newRowId());
  const sealed = items.map((item) => item.activity.sealed);
  const column = <T>(pick: (a: ActivityAttributes) => T) => items.map((item) => pick(item.attributes));
  // Raw SQL with one array parameter per column: the query builder would cost more than the insert itself.
  await ex.execute(
    sql`insert into ${activities} (id, subject_id, type, subject, body, occurred_at, duration_minutes, direction,
          company_id, deal_id, created_by)
        select i, s, t, su, b, o, d, dir, co, de, cb
        from unnest(${arrayParam(ids, 'uuid')}, ${arrayParam(subjectIds, 'uuid')}, ${arrayParam(
          column((a) => a.type),
          'text',
        )},
          ${arrayParam(
            sealed.map((x) => x.subject ?? null),
            'bytea',
          )}, ${arrayParam(
            sealed.map((x) => x.body ?? null),
            'bytea',
          )},
          ${arrayParam(
            column((a) => a.occurredAt),
            'timestamptz',
          )},
          ${arrayParam(
            column((a) => a.durationMinutes),
            'int',
          )}, ${arrayParam(
            column((a) => a.direction),
            'text',
          )},
          ${arrayParam(
            column((a) => a.companyId),
            'uuid',
          )}, ${arrayParam(
            column((a) => a.dealId),
            'uuid',
          )},
          ${arrayParam(
            column((a) => a.createdBy),
            'uuid',
          )}) as v(i, s, t, su, b, o, d, dir, co, de, cb)`,
  );
  const ordered = subjectIds.map((subjectId, i) => ({ id: ids[i]!, subjectId }));
  const links = ordered.flatMap((r, i) =>
    [...new Set(items[i]!.contactIds)].map((contactId) => ({ activityId: r.id, contactId })),
  );
  if (links.length > 0)
    await ex.execute(
      sql`insert into ${activityContacts} (activity_id, contact_id)
          select * from unnest(${arrayParam(
            links.map((l) => l.activityId),
            'uuid',
          )}, ${arrayParam(
            links.map((l) => l.contactId),
            'uuid',
          )})`,
    );
  return ordered;
}

/**
 * Which of these (person, moment) pairs already have an activity, as `contactId|type|epoch ms` keys: how an
 * import tells an activity it already brought in from a new one.
 */
export async function findActivityMoments(
  ex: Executor,
  pairs: readonly { contactId: string; occurredAt: Date }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  // Person by person, not pair by pair: an import file lists a person's activities together, so a batch of
  // 2,000 pairs names a few hundred people, and each person's activities are read once, through the link
  // index. The lateral subquery (kept apart by `offset 0`) makes that the only plan: without statistics on
  // the growing tables (a first import, autovacuum behind), a plain join was planned as a scan of every link
  // (466 ms a batch at 400,000 activities, against 20 ms this way). The answer holds other moments of these
  // people too; the caller only asks about its own.
  const rows = await queryRows<{ contact_id: string; type: string; at: string }>(
    ex,
    sql`select v.contact_id, a.type, (extract(epoch from a.occurred_at) * 1000)::bigint::text as at
        from unnest(${arrayParam([...new Set(pairs.map((p) => p.contactId))], 'uuid')}) as v(contact_id)
        cross join lateral (
          select a.type, a.occurred_at from ${activityContacts} l join ${activities} a on a.id = l.activity_id
          where l.contact_id = v.contact_id offset 0) a`,
  );
  return new Set(rows.map((r) => `${r.contact_id}|${r.type}|${r.at}`));
}

export async function updateActivityRow(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: ActivityRow,
  text: ActivityText,
  attributes: Partial<ActivityAttributes>,
): Promise<ActivityRow> {
  const key = await subjects.keyFor(ex, row.subjectId);
  try {
    const [updated] = await ex
      .update(activities)
      .set({
        ...attributes,
        ...sealPersonalFields(activityEntity, key, row.subjectId, { ...text }),
        updatedAt: new Date(),
      })
      .where(eq(activities.id, row.id))
      .returning();
    return updated!;
  } catch (err) {
    translate(err);
  }
}

export async function findActivityRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ActivityRow | null> {
  const query = ex.select().from(activities).where(eq(activities.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function deleteActivityRows(ex: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await ex.delete(activities).where(inArray(activities.id, [...ids]));
}

/**
 * Deletes the activities in one statement (a retention batch) and returns the ones that were there, with the
 * keys their text is sealed under, for the caller to shred. Ids gone meanwhile are left out.
 */
export async function deleteActivitiesReturningKeys(
  ex: Executor,
  ids: readonly string[],
): Promise<{ id: string; subjectId: string }[]> {
  if (ids.length === 0) return [];
  return ex
    .delete(activities)
    .where(sql`${activities.id} = any(${arrayParam(ids, 'uuid')})`)
    .returning({ id: activities.id, subjectId: activities.subjectId });
}

export async function replaceActivityContacts(
  ex: Executor,
  activityId: string,
  contactIds: readonly string[],
): Promise<void> {
  await ex.delete(activityContacts).where(eq(activityContacts.activityId, activityId));
  const unique = [...new Set(contactIds)];
  if (unique.length > 0)
    await ex.insert(activityContacts).values(unique.map((contactId) => ({ activityId, contactId })));
}

export async function openActivities(
  ex: Executor,
  subjects: SubjectKeyStore,
  rows: readonly ActivityRow[],
): Promise<ActivityRecord[]> {
  const keys = await subjects.keysFor(
    ex,
    rows.map((r) => r.subjectId),
  );
  const links = await ex
    .select()
    .from(activityContacts)
    .where(
      inArray(
        activityContacts.activityId,
        rows.map((r) => r.id),
      ),
    );
  return rows.flatMap((row) => {
    const key = keys.get(row.subjectId);
    if (!key) return [];
    const values = openPersonalFields(activityEntity, key, row.subjectId, row);
    return [
      {
        row,
        text: { subject: values.subject as string | null, body: values.body as string | null },
        contactIds: links
          .filter((l) => l.activityId === row.id)
          .map((l) => l.contactId)
          .sort(),
      },
    ];
  });
}

export async function listActivityRows(
  ex: Executor,
  options: {
    limit: number;
    after: { at: string; id: string } | null;
    contactId?: string | undefined;
    companyId?: string | undefined;
    dealId?: string | undefined;
    type?: string | undefined;
  },
): Promise<ActivityRow[]> {
  if (options.limit === 0) return [];
  const page = keyset(activities.occurredAt, activities.id, options.after, 'desc');
  const conditions: (SQL | undefined)[] = [
    page.where,
    options.contactId
      ? sql`${activities.id} in (select ${activityContacts.activityId} from ${activityContacts} where ${activityContacts.contactId} = ${options.contactId})`
      : undefined,
    options.companyId ? eq(activities.companyId, options.companyId) : undefined,
    options.dealId ? eq(activities.dealId, options.dealId) : undefined,
    options.type ? eq(activities.type, options.type) : undefined,
  ];
  return ex
    .select()
    .from(activities)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(options.limit);
}

/**
 * For deleting a person: the activities linked to this contact, split into those that concern only them
 * (to shred) and those shared with others (to unlink).
 */
export async function activitiesOfContact(
  ex: Executor,
  contactId: string,
): Promise<{ sole: { id: string; subjectId: string }[]; shared: string[] }> {
  const rows = await ex
    .select({
      id: activities.id,
      subjectId: activities.subjectId,
      others: sql<number>`(select count(*)::int from ${activityContacts} o where o.activity_id = ${activities.id} and o.contact_id <> ${contactId})`,
    })
    .from(activities)
    .innerJoin(activityContacts, eq(activityContacts.activityId, activities.id))
    .where(eq(activityContacts.contactId, contactId));
  return {
    sole: rows.filter((r) => r.others === 0).map((r) => ({ id: r.id, subjectId: r.subjectId })),
    shared: rows.filter((r) => r.others > 0).map((r) => r.id),
  };
}

/** Merging contacts: every activity of `from` becomes the survivor's (once, if both were linked). */
export async function moveActivityLinks(ex: Executor, from: string, to: string): Promise<void> {
  await ex.execute(
    sql`insert into ${activityContacts} (activity_id, contact_id)
        select activity_id, ${to}::uuid from ${activityContacts} where contact_id = ${from}
        on conflict do nothing`,
  );
  await ex.delete(activityContacts).where(eq(activityContacts.contactId, from));
}

/** Removes a contact's links to these activities; the number removed. */
export async function unlinkActivities(
  ex: Executor,
  contactId: string,
  activityIds: readonly string[],
): Promise<number> {
  if (activityIds.length === 0) return 0;
  const gone = await ex
    .delete(activityContacts)
    .where(
      and(eq(activityContacts.contactId, contactId), inArray(activityContacts.activityId, [...activityIds])),
    )
    .returning({ id: activityContacts.activityId });
  return gone.length;
}

/** Re-seals an activity's text (after redaction), attributes unchanged. */
export async function resealActivityText(
  ex: Executor,
  subjects: SubjectKeyStore,
  row: ActivityRow,
  text: ActivityText,
): Promise<void> {
  const key = await subjects.keyFor(ex, row.subjectId);
  await ex
    .update(activities)
    .set({ ...sealPersonalFields(activityEntity, key, row.subjectId, { ...text }), updatedAt: new Date() })
    .where(eq(activities.id, row.id));
}

export async function findActivityRows(ex: Executor, ids: readonly string[]): Promise<ActivityRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(activities)
    .where(inArray(activities.id, [...ids]));
}

/** Activities in creation order after a keyset position, for passes over the whole table (the background scan). */
export async function scanActivityRows(
  ex: Executor,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<ActivityRow[]> {
  const page = keyset(activities.createdAt, activities.id, after, 'asc');
  return ex
    .select()
    .from(activities)
    .where(page.where)
    .orderBy(...page.orderBy)
    .limit(limit);
}
