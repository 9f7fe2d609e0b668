import type { ImpactAssessment, ImpactAssessmentInput } from '@custodian/contracts';
import { dataCategories } from '@custodian/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { changeVerbs } from './audit-scope.js';

type Category = ImpactAssessment['categories'][number]['category'];
type Access = 'read' | 'change';
type Json<T> = T | string;
interface Answer {
  people: number;
  /** people, reads, changes for each category in `categoryOrder`. */
  categories: Json<number[]>;
  /** subject, first, last, contact, user, then reads and changes for each category in `categoryOrder`. */
  affected: Json<[string, string, string, string | null, string | null, ...number[]][]>;
  entries: Json<[Access, number][]>;
}

const categoryOrder: readonly Category[] = [...dataCategories, 'unrecorded'];

type Question = Pick<ImpactAssessmentInput, 'actor' | 'from' | 'to'>;

/** The entries in which the account or token read or changed someone's data in [from, to). */
function touchedBy(input: Question): SQL {
  const id = input.actor.id.toLowerCase();
  const who =
    input.actor.type === 'token'
      ? sql`e.token_id = ${id}::uuid`
      : sql`e.actor_id = ${id}::uuid and e.actor_type in ('user', 'token')`;
  return sql`${who} and e.occurred_at >= ${new Date(input.from)} and e.occurred_at < ${new Date(input.to)}
    and e.outcome = 'success' and cardinality(e.subject_ids) > 0
    and (e.format = 1 or cardinality(e.categories) > 0)`;
}

/** The contacts (as they exist today) among the people an assessment finds: whom to tell (Art. 34). */
export async function affectedContactIds(ex: Executor, input: Question): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`select c.id from contacts c
        where c.subject_id in (select distinct s.subject_id from audit_entries e
                               cross join lateral unnest(e.subject_ids) as s(subject_id)
                               where ${touchedBy(input)})
        order by c.id`,
  );
  return rows.map((r) => r.id);
}

/**
 * What one account or one API token read or changed in [from, to), from the audit trail alone: the people,
 * and per person and category how many entries revealed or could change that category. Entries of the
 * first format (before access and categories were recorded) count as `unrecorded`, read or changed by their
 * action's verb. Denied and failed calls touched nothing; a read whose every field was masked revealed
 * nothing. One grouped query over the (actor, time) or (token, time) index.
 */
export async function assessImpact(
  ex: Executor,
  input: ImpactAssessmentInput,
  now = new Date(),
): Promise<ImpactAssessment> {
  const from = new Date(input.from);
  const to = new Date(input.to);
  const id = input.actor.id.toLowerCase();
  const access = sql`coalesce(e.access, case when regexp_replace(e.action, '^.*[.]', '') = any(${arrayParam([...changeVerbs], 'text')}) then 'change' else 'read' end)`;
  const touched = touchedBy(input);
  // Everything is counted in the database, one row per person with a read and a change count per category
  // (no unnesting of categories, no per-person JSON); only the people listed (up to the limit) travel.
  const columns = categoryOrder.flatMap((c, i) => [
    sql.raw(`count(*) filter (where e.acc = 'read' and '${c}' = any(e.cats))::int as r${i}`),
    sql.raw(`count(*) filter (where e.acc = 'change' and '${c}' = any(e.cats))::int as c${i}`),
  ]);
  const totals = categoryOrder.flatMap((_, i) =>
    sql.raw(
      `count(*) filter (where r${i} + c${i} > 0)::int, coalesce(sum(r${i}), 0)::int, coalesce(sum(c${i}), 0)::int`,
    ),
  );
  const counts = categoryOrder.map((_, i) => sql.raw(`p.r${i}, p.c${i}`));
  return ex.transaction(async (tx) => {
    // Aggregating a busy account's entries must not spill to disk.
    await tx.execute(sql`set local work_mem = '256MB'`);
    const [row] = await queryRows<Answer>(
      tx,
      sql`with base as materialized (
            select e.subject_ids, e.occurred_at, ${access} as acc,
              case when e.format = 1 then '{unrecorded}'::text[] else e.categories end as cats
            from audit_entries e where ${touched}),
          per as materialized (
            select s.subject_id, min(e.occurred_at) as first_at, max(e.occurred_at) as last_at, ${sql.join(columns, sql`, `)}
            from base as e
            cross join lateral unnest(e.subject_ids) as s(subject_id)
            group by 1)
          select
            (select count(*)::int from per) as people,
            (select json_build_array(${sql.join(totals, sql`, `)}) from per) as categories,
            (select coalesce(json_agg(json_build_array(p.subject_id, p.first_at, p.last_at, c.id, u.id, ${sql.join(counts, sql`, `)})
                                      order by p.first_at, p.subject_id), '[]'::json)
             from (select * from per order by first_at, subject_id limit ${input.limit}) p
             left join contacts c on c.subject_id = p.subject_id
             left join users u on u.subject_id = p.subject_id) as affected,
            (select coalesce(json_agg(json_build_array(acc, n)), '[]'::json) from (
               select acc, count(*)::int as n from base group by 1) t) as entries`,
    );
    const unattributed =
      input.actor.type === 'token'
        ? await queryRows<{ n: number }>(
            tx,
            sql`select count(*)::int as n from audit_entries e
                where e.format = 1 and e.actor_type = 'token' and cardinality(e.subject_ids) > 0
                  and e.outcome = 'success' and e.occurred_at >= ${from} and e.occurred_at < ${to}
                  and e.actor_id = (select user_id from api_tokens where id = ${id}::uuid)`,
          )
        : [{ n: 0 }];
    const answer = row!;
    const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
    const entries = json(answer.entries);
    const affected = json(answer.affected);
    const figures = json(answer.categories);
    return {
      actor: input.actor,
      from: from.toISOString(),
      to: to.toISOString(),
      people: answer.people,
      entries: {
        read: entries.find(([a]) => a === 'read')?.[1] ?? 0,
        change: entries.find(([a]) => a === 'change')?.[1] ?? 0,
      },
      categories: categoryOrder
        .map((category, i) => ({
          category,
          people: figures[i * 3]!,
          read: figures[i * 3 + 1]!,
          change: figures[i * 3 + 2]!,
        }))
        .filter((c) => c.people > 0),
      affected: affected.map(([subjectId, firstAt, lastAt, contactId, userId, ...counts]) => ({
        subjectId,
        contactId,
        userId,
        firstAt: new Date(firstAt).toISOString(),
        lastAt: new Date(lastAt).toISOString(),
        categories: categoryOrder
          .map((category, i) => ({ category, read: counts[i * 2]!, change: counts[i * 2 + 1]! }))
          .filter((c) => c.read + c.change > 0),
      })),
      truncated: answer.people > affected.length,
      unattributedTokenEntries: unattributed[0]?.n ?? 0,
      assessedAt: now.toISOString(),
    };
  });
}
