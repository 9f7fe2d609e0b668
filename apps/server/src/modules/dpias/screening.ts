import {
  type DpiaScreening,
  type Purpose,
  type PurposeRecord,
  type screeningCriteria,
  specialFindingKinds,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { activityEntity, contactEntity, type EntityDeclaration, taskEntity } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import { type DpiaDeps, presentDpia } from './dpias.js';
import { dpias } from './schema.js';

type Criterion = (typeof screeningCriteria)[number];

/** The purposes that may use a field a finding sits in: the catalog's, or a custom field's own. */
function purposesOfField(entity: EntityDeclaration, field: string, custom: Map<string, string[]>): string[] {
  const declared = entity.personal[field];
  if (declared) return [...declared.purposes];
  return custom.get(field.replace(/^customFields\./, '')) ?? [];
}

/**
 * Which purposes call for an impact assessment, read off the data model (WP248 rev.01 criteria): special
 * categories (the purpose's categories, its Art. 9 condition, custom fields of a special category it may use),
 * children's data, profiling, automated decisions, scale (people it may process today, against
 * `largeScaleThreshold`) and systematic monitoring (behaviour or online identifiers observed for profiling or
 * analytics). Open scanner findings of special categories in fields a purpose uses are linked: data nobody
 * classified yet. The other WP248 criteria (matching data sets, innovative technology, barring a right) need a
 * person's judgement and are left to the assessment itself.
 */
export async function screenPurposes(
  deps: DpiaDeps & { ctx: RequestContext; largeScaleThreshold: number; publicUrl: string },
): Promise<DpiaScreening> {
  const { db, ctx, timeZone, largeScaleThreshold } = deps;
  assertPermission(ctx.actor, 'dpias:manage');
  const purposes = await findPurposeRecords(db);
  const counts = await peopleByPurpose(db, purposes);
  const customFields = await queryRows<{
    entity: string;
    key: string;
    category: string | null;
    purposes: string[];
  }>(db, sql`select entity, key, category, purposes from custom_fields`);
  const customContact = new Map(
    customFields.filter((f) => f.entity === 'contact').map((f) => [f.key, f.purposes] as const),
  );
  const findings = await queryRows<{ source: string; field: string; n: number }>(
    db,
    sql`select case when activity_id is not null then 'activity' when task_id is not null then 'task' else 'contact' end as source,
          field, count(*)::int as n
        from scanner_findings
        where status = 'open' and kinds && ${arrayParam(specialFindingKinds, 'text')}
        group by 1, 2`,
  );
  const entities: Record<string, EntityDeclaration> = {
    activity: activityEntity,
    task: taskEntity,
    contact: contactEntity,
  };
  const assessments = (await db.select().from(dpias)).map((r) => presentDpia(r, timeZone));

  const result = purposes.map((p) => {
    const criteria: { criterion: Criterion; evidence: string }[] = [];
    const add = (criterion: Criterion, evidence: string) => criteria.push({ criterion, evidence });
    const people = counts.get(p.key) ?? 0;
    const specialFields = customFields.filter((f) => f.category === 'special' && f.purposes.includes(p.key));
    const childFields = customFields.filter((f) => f.category === 'children' && f.purposes.includes(p.key));
    if (p.categories.includes('special') || p.art9Condition || specialFields.length > 0)
      add(
        'sensitive_data',
        [
          p.categories.includes('special') ? 'the purpose processes special categories (Art. 9)' : null,
          p.art9Condition ? `Art. 9(2) condition recorded: ${p.art9Condition}` : null,
          specialFields.length > 0
            ? `custom fields of a special category: ${specialFields.map((f) => `${f.entity}.${f.key}`).join(', ')}`
            : null,
        ]
          .filter(Boolean)
          .join('; '),
      );
    if (p.categories.includes('children') || childFields.length > 0)
      add('vulnerable_subjects', 'data about children (under the age of digital consent)');
    if (p.profiling) add('evaluation_or_scoring', 'the purpose is recorded as profiling (Art. 4(4))');
    if (p.automatedDecisions)
      add(
        'automated_decisions',
        'decisions based solely on automated processing with legal or similar effect (Art. 22)',
      );
    if (people >= largeScaleThreshold)
      add('large_scale', `${people} people may be processed for it (threshold ${largeScaleThreshold})`);
    const observed = p.categories.filter(
      (c) => c === 'behavioural' || c === 'online_identifier' || c === 'location',
    );
    if (observed.length > 0 && (p.profiling || p.key === 'analytics'))
      add(
        'systematic_monitoring',
        `${observed.join(', ')} data observed for ${p.profiling ? 'profiling' : 'analytics'}`,
      );
    const open = findings
      .filter((f) => purposesOfField(entities[f.source]!, f.field, customContact).includes(p.key))
      .reduce((n, f) => n + f.n, 0);
    const has = (c: Criterion) => criteria.some((x) => x.criterion === c);
    const byLaw = p.lawfulBasis === 'legal_obligation' || p.lawfulBasis === 'public_task';
    const recommendation: DpiaScreening['purposes'][number]['recommendation'] =
      criteria.length >= 2 && !byLaw
        ? 'required'
        : criteria.length >= 2 ||
            has('sensitive_data') ||
            has('vulnerable_subjects') ||
            has('evaluation_or_scoring') ||
            (has('systematic_monitoring') && has('large_scale'))
          ? 'proposed'
          : open > 0
            ? 'proposed'
            : 'not_indicated';
    const covering = assessments.filter((a) => a.purposes.includes(p.key as Purpose));
    return {
      purpose: p.key as Purpose,
      name: p.name,
      people,
      criteria,
      recommendation,
      note:
        byLaw && criteria.length > 0
          ? 'Art. 35(10): the processing is required by law; an assessment made when that law was adopted may cover it, unless the member state requires one'
          : null,
      scannerFindings: { open, link: `${deps.publicUrl}/api/v1/scanner/findings?status=open` },
      assessments: covering.map((a) => ({
        id: a.id,
        title: a.title,
        status: a.status,
        reviewDue: a.reviewDue,
      })),
      covered: covering.some((a) => a.status === 'signed_off' && !a.reviewDue),
    };
  });
  await recordAudit(db, deps.keys, ctx, { action: 'dpia.screening', entityType: 'dpia' });
  return { largeScaleThreshold, purposes: result };
}

/**
 * People each purpose may process today: for a consent purpose, those whose consent is given; for any other
 * basis, every contact (the basis covers them all unless they object, which the guard checks per use).
 */
async function peopleByPurpose(db: Db, purposes: PurposeRecord[]): Promise<Map<string, number>> {
  const [all] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from contacts`);
  const consented = await queryRows<{ purpose: string; n: number }>(
    db,
    sql`select purpose, count(*)::int as n from consent_states where consent = 'given' group by purpose`,
  );
  const given = new Map(consented.map((r) => [r.purpose, r.n] as const));
  return new Map(
    purposes.map(
      (p) => [p.key, p.lawfulBasis === 'consent' ? (given.get(p.key) ?? 0) : (all?.n ?? 0)] as const,
    ),
  );
}
