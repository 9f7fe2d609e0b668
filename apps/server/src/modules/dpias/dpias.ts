import {
  type CreateDpiaInput,
  type Dpia,
  type dpoAdviceBody,
  type RiskLevel,
  riskLevelOf,
  riskLevels,
  type signOffDpiaBody,
  type UpdateDpiaInput,
} from '@custodian/contracts';
import { desc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { dpias, type StoredRisk } from './schema.js';

export type DpiaRow = typeof dpias.$inferSelect;

export interface DpiaDeps {
  db: Db;
  keys: KeyRing;
  timeZone: string;
}

const highest = (levels: RiskLevel[]): RiskLevel | null =>
  levels.length === 0 ? null : riskLevels[Math.max(...levels.map((l) => riskLevels.indexOf(l)))]!;

export const todayIn = (timeZone: string, now = new Date()) =>
  DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;

export function presentDpia(row: DpiaRow, timeZone: string, now = new Date()): Dpia {
  const empty = () => Array.from({ length: 4 }, () => [0, 0, 0, 0]);
  const inherent = empty();
  const residual = empty();
  const risks = row.risks.map((r) => {
    inherent[r.likelihood - 1]![r.severity - 1]! += 1;
    residual[r.residualLikelihood - 1]![r.residualSeverity - 1]! += 1;
    return {
      ...r,
      level: riskLevelOf(r.likelihood, r.severity),
      residualLevel: riskLevelOf(r.residualLikelihood, r.residualSeverity),
    };
  });
  const residualRisk = highest(risks.map((r) => r.residualLevel));
  return {
    id: row.id,
    title: row.title,
    purposes: row.purposes as Dpia['purposes'],
    description: row.description,
    necessity: row.necessity,
    proportionality: row.proportionality,
    risks,
    measures: row.measures,
    matrix: { inherent, residual },
    residualRisk,
    priorConsultationRequired: residualRisk === 'high' || residualRisk === 'very_high',
    priorConsultation:
      row.priorConsultationAt && row.priorConsultationReference
        ? { at: row.priorConsultationAt.toISOString(), reference: row.priorConsultationReference }
        : null,
    dpoAdvice:
      row.dpoAdvice && row.dpoAdviceBy && row.dpoAdviceAt
        ? {
            text: row.dpoAdvice,
            by: row.dpoAdviceBy,
            at: row.dpoAdviceAt.toISOString(),
            followed: row.dpoAdviceFollowed ?? true,
            reason: row.dpoAdviceReason,
          }
        : null,
    status: row.status as Dpia['status'],
    signedOff:
      row.signedOffBy && row.signedOffAt ? { by: row.signedOffBy, at: row.signedOffAt.toISOString() } : null,
    reviewAt: row.reviewAt,
    reviewDue: row.status === 'signed_off' && row.reviewAt !== null && row.reviewAt <= todayIn(timeZone, now),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Staff texts describe the processing and the risks, never a person. */
function checkTexts(input: Partial<CreateDpiaInput>): void {
  const fields: Record<string, string | undefined> = {
    'body.title': input.title,
    'body.description': input.description,
    'body.necessity': input.necessity,
    'body.proportionality': input.proportionality,
    'body.measures': input.measures,
  };
  input.risks?.forEach((r, i) => {
    fields[`body.risks.${i}.description`] = r.description;
    r.measures.forEach((m, j) => {
      fields[`body.risks.${i}.measures.${j}`] = m;
    });
  });
  assertNoIdentifiers(fields);
}

const storedRisks = (risks: CreateDpiaInput['risks']): StoredRisk[] =>
  risks.map((r) => ({
    description: r.description,
    likelihood: r.likelihood,
    severity: r.severity,
    measures: r.measures,
    residualLikelihood: r.residualLikelihood,
    residualSeverity: r.residualSeverity,
  }));

async function load(db: Db, id: string): Promise<DpiaRow> {
  const [row] = await db.select().from(dpias).where(eq(dpias.id, id));
  if (!row) throw notFound('impact assessment');
  return row;
}

export async function findDpias({ db, ctx, timeZone }: DpiaDeps & { ctx: RequestContext }) {
  assertPermission(ctx.actor, 'dpias:manage');
  const rows = await db.select().from(dpias).orderBy(desc(dpias.updatedAt));
  const now = new Date();
  return { items: rows.map((r) => presentDpia(r, timeZone, now)) };
}

export async function getDpia({ db, ctx, timeZone, id }: DpiaDeps & { ctx: RequestContext; id: string }) {
  assertPermission(ctx.actor, 'dpias:manage');
  return presentDpia(await load(db, id), timeZone);
}

export async function createDpia({
  db,
  keys,
  ctx,
  timeZone,
  input,
}: DpiaDeps & { ctx: RequestContext; input: CreateDpiaInput }): Promise<Dpia> {
  assertPermission(ctx.actor, 'dpias:manage');
  const staff = assertStaff(ctx.actor);
  checkTexts(input);
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(dpias)
      .values({ ...input, risks: storedRisks(input.risks), createdBy: staff.userId })
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'dpia.create', entityType: 'dpia', entityId: row!.id });
    return presentDpia(row!, timeZone);
  });
}

/** Locks the assessment, applies a change computed from it, audits it under `action`: one transaction. */
function changeDpia(
  { db, keys, ctx, timeZone }: DpiaDeps & { ctx: RequestContext },
  id: string,
  action: string,
  change: (row: DpiaRow) => Partial<typeof dpias.$inferInsert>,
): Promise<Dpia> {
  return transaction(db, async (tx) => {
    const [row] = await tx.select().from(dpias).where(eq(dpias.id, id)).for('update');
    if (!row) throw notFound('impact assessment');
    const [updated] = await tx
      .update(dpias)
      .set({ ...change(row), updatedAt: new Date() })
      .where(eq(dpias.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action, entityType: 'dpia', entityId: id });
    return presentDpia(updated!, timeZone);
  });
}

const unsigned = { status: 'draft', signedOffBy: null, signedOffAt: null } as const;

/** A change to a signed-off assessment voids the advice and the sign-off: they were given on other facts. */
export async function updateDpia(
  deps: DpiaDeps & { ctx: RequestContext; id: string; input: UpdateDpiaInput },
): Promise<Dpia> {
  const { ctx, id, input } = deps;
  assertPermission(ctx.actor, 'dpias:manage');
  checkTexts(input);
  return changeDpia(deps, id, 'dpia.update', (row) => ({
    ...input,
    ...(input.risks ? { risks: storedRisks(input.risks) } : {}),
    ...(row.status === 'signed_off' || row.dpoAdvice
      ? {
          ...unsigned,
          dpoAdvice: null,
          dpoAdviceBy: null,
          dpoAdviceAt: null,
          dpoAdviceFollowed: null,
          dpoAdviceReason: null,
        }
      : {}),
  }));
}

/** Art. 35(2): the controller seeks the advice of the DPO; only someone in that role gives it. */
export async function giveDpoAdvice(
  deps: DpiaDeps & { ctx: RequestContext; id: string; input: z.output<typeof dpoAdviceBody> },
): Promise<Dpia> {
  const { ctx, id, input } = deps;
  assertPermission(ctx.actor, 'dpias:manage');
  const staff = assertStaff(ctx.actor);
  if (staff.role !== 'dpo')
    throw new AppError('forbidden', 'Only the data protection officer gives this advice');
  assertNoIdentifiers({ 'body.text': input.text, 'body.reason': input.reason });
  return changeDpia(deps, id, 'dpia.dpo_advice', () => ({
    ...unsigned,
    dpoAdvice: input.text,
    dpoAdviceBy: staff.userId,
    dpoAdviceAt: new Date(),
    dpoAdviceFollowed: input.followed,
    dpoAdviceReason: input.followed ? null : (input.reason ?? null),
  }));
}

export async function signOffDpia(
  deps: DpiaDeps & { ctx: RequestContext; id: string; input: z.output<typeof signOffDpiaBody> },
): Promise<Dpia> {
  const { ctx, id, input, timeZone } = deps;
  assertPermission(ctx.actor, 'dpias:manage');
  const staff = assertStaff(ctx.actor);
  assertNoIdentifiers({ 'body.priorConsultation.reference': input.priorConsultation?.reference });
  return changeDpia(deps, id, 'dpia.sign_off', (row) => {
    const current = presentDpia(row, timeZone);
    const details: { field: string; issue: string }[] = [];
    const missing = (field: string, issue: string) => details.push({ field, issue });
    if (!row.description) missing('description', 'describe the processing first (Art. 35(7)(a))');
    if (!row.necessity) missing('necessity', 'assess necessity first (Art. 35(7)(b))');
    if (!row.proportionality) missing('proportionality', 'assess proportionality first (Art. 35(7)(b))');
    if (row.risks.length === 0) missing('risks', 'assess at least one risk (Art. 35(7)(c))');
    if (!current.dpoAdvice) missing('dpoAdvice', 'the DPO’s advice is required first (Art. 35(2))');
    if (input.reviewAt <= todayIn(timeZone)) missing('body.reviewAt', 'must be in the future');
    const consultation = input.priorConsultation ?? current.priorConsultation;
    if (current.priorConsultationRequired && !consultation)
      missing(
        'body.priorConsultation',
        'a high residual risk remains: consult the supervisory authority first (Art. 36(1))',
      );
    if (details.length > 0)
      throw new AppError('validation_failed', 'The assessment cannot be signed off yet', { details });
    return {
      status: 'signed_off',
      signedOffBy: staff.userId,
      signedOffAt: new Date(),
      reviewAt: input.reviewAt,
      ...(input.priorConsultation
        ? {
            priorConsultationAt: new Date(input.priorConsultation.at),
            priorConsultationReference: input.priorConsultation.reference,
          }
        : {}),
    };
  });
}
