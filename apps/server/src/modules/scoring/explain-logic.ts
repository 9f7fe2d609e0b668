import type { ScoringCondition, SubjectPackage } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { answerProcessing } from '../consents/index.js';
import { findPurposeRecord } from '../purposes/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { profilingPurpose } from './compute-scores.js';
import { findScoreRow, openExplanation } from './repository.js';
import { activeRules } from './rules.js';

type Names = Map<string, string>;
const list = (values: readonly string[]) => values.map((v) => v.replaceAll('_', ' ')).join(' or ');
const fieldLabels: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  jobTitle: 'job title',
};

/** A rule's condition in words, as the person reads it in their access package. */
export function describeCondition(c: ScoringCondition, names: Names): string {
  switch (c.kind) {
    case 'activity':
      return `for each ${list(c.types)} with you in the ${c.withinDays} days before the score was computed${
        c.maxCount > 1 ? `, counted up to ${c.maxCount} times` : ', counted once'
      }`;
    case 'lifecycle_stage':
      return `when your relationship with us is at the stage ${list(c.stages)}`;
    case 'source':
      return `when your details came to us by ${list(c.sources)}`;
    case 'tag':
      return `when your record carries the label ${list(c.tagIds.map((id) => names.get(id) ?? 'a removed label'))}`;
    case 'field_present': {
      const [, key] = c.field.split('.');
      return `when we hold your ${key ? (names.get(key) ?? key) : (fieldLabels[c.field] ?? c.field)} (whatever it is)`;
    }
    case 'open_deal': {
      const where = [
        c.pipelineId ? `in the pipeline ${names.get(c.pipelineId) ?? 'removed'}` : null,
        c.stageIds ? `at the stage ${list(c.stageIds.map((id) => names.get(id) ?? 'removed'))}` : null,
      ].filter(Boolean);
      return `when you are part of an open sales opportunity${where.length > 0 ? ` ${where.join(', ')}` : ''}`;
    }
  }
}

/** Names of the tags, pipelines, stages and custom fields the conditions refer to. */
async function namesOf(ex: Executor, conditions: readonly ScoringCondition[]): Promise<Names> {
  const ids = conditions.flatMap((c) =>
    c.kind === 'tag'
      ? c.tagIds
      : c.kind === 'open_deal'
        ? [...(c.pipelineId ? [c.pipelineId] : []), ...(c.stageIds ?? [])]
        : [],
  );
  const rows = await queryRows<{ id: string; name: string }>(
    ex,
    sql`select id::text, name from tags where id = any(${arrayParam(ids, 'uuid')})
        union all select id::text, name from pipelines where id = any(${arrayParam(ids, 'uuid')})
        union all select id::text, name from pipeline_stages where id = any(${arrayParam(ids, 'uuid')})
        union all select key, label from custom_fields where entity = 'contact'`,
  );
  return new Map(rows.map((r) => [r.id, r.name] as const));
}

/**
 * The profiling part of a person's access package: their score and its explanation, and meaningful
 * information about the logic involved, its significance and envisaged consequences (GDPR Art. 15(1)(h)).
 */
export async function profilingSectionOf(
  ex: Executor,
  subjects: SubjectKeyStore,
  contact: { id: string },
): Promise<NonNullable<SubjectPackage['profiling']>> {
  const purpose = await findPurposeRecord(ex, profilingPurpose);
  const { answers } = await answerProcessing(ex, profilingPurpose, { contactIds: [contact.id] });
  const row = await findScoreRow(ex, contact.id);
  const explanation = row ? ((await openExplanation(ex, subjects, row)) ?? []) : [];
  const rules = await activeRules(ex);
  const names = await namesOf(
    ex,
    rules.map((r) => r.condition),
  );
  const basis =
    purpose?.lawfulBasis === 'consent'
      ? 'You can withdraw your consent at any time'
      : 'You can object to it at any time (GDPR Art. 21(2))';
  return {
    purpose: {
      key: profilingPurpose,
      name: purpose?.name ?? 'Lead scoring',
      description: purpose?.description ?? '',
      lawfulBasis: purpose?.lawfulBasis ?? 'legitimate_interests',
      automatedDecisions: purpose?.automatedDecisions ?? false,
    },
    allowedNow: answers[0]?.allowed ?? false,
    score: row
      ? {
          score: row.score,
          computedAt: row.computedAt.toISOString(),
          explanation: explanation.map((e) => ({ rule: e.ruleName, points: e.points, count: e.count })),
        }
      : null,
    logic: {
      summary:
        'Your lead score is the sum of the points of the rules below that match what we hold about you: the kind and date of our interactions with you, your stage, how your details came to us, labels, open sales opportunities and whether certain fields are filled in. It never uses the content of notes or e-mails, nor special categories of data. It is computed only while the law allows it for you.',
      rules: rules.map((r) => ({
        name: r.name,
        points: r.points,
        condition: describeCondition(r.condition, names),
      })),
      significance:
        'A higher score means our sales staff are likely to contact you sooner and more often; a lower score, later or not at all.',
      consequences: purpose?.automatedDecisions
        ? 'The score is used in decisions made without human involvement, as described for this purpose.'
        : 'No decision about you is taken by the score alone: it only orders the work of our staff, who decide.',
      rightToObject: `${basis}: your score is then deleted at once and you are not scored again while it stands.`,
    },
  };
}
