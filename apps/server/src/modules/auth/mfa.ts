import { assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { verifyPassword } from '../../platform/crypto/passwords.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findUserById, type UserRow, updateUserRow } from '../users/index.js';
import { consumeRecoveryCode, deleteRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.js';
import { deleteSessionsOfUser } from './sessions-repository.js';
import { checkTotp, newTotpSecret, openTotpSecret, otpauthUri, sealTotpSecret } from './totp.js';

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

/** MFA changes are for a person at the keyboard: an API token cannot make them. */
async function signedInUser({ db, keys, ctx }: Deps): Promise<UserRow> {
  const actor = assertStaff(ctx.actor);
  if (actor.kind !== 'user')
    throw new AppError('forbidden', 'Sign in with a password to change MFA settings');
  const row = await findUserById(db, keys, actor.userId);
  if (!row) throw notFound('user');
  return row;
}

async function assertPassword(row: UserRow, password: string) {
  if (!(await verifyPassword(row.passwordHash, password))) {
    throw new AppError('invalid_credentials', 'The password is wrong', {
      details: [{ field: 'body.password', issue: 'does not match' }],
    });
  }
}

async function assertSecondFactor(
  deps: Deps,
  row: UserRow,
  code?: string,
  recoveryCode?: string,
): Promise<number | null> {
  if (!row.mfaSecret) return null;
  if (code) {
    const step = await checkTotp(openTotpSecret(deps.keys, row.id, row.mfaSecret), code, row.mfaLastTimeStep);
    if (step !== null) return step;
  } else if (recoveryCode && (await consumeRecoveryCode(deps.db, row.id, recoveryCode))) {
    return null;
  }
  throw new AppError('invalid_mfa_code', 'The authentication code is wrong or was already used', {
    details: [{ field: code ? 'body.code' : 'body.recoveryCode', issue: 'is wrong or was already used' }],
  });
}

export async function enrolMfa(
  deps: Deps & { password: string },
): Promise<{ secret: string; otpauthUri: string }> {
  const row = await signedInUser(deps);
  await assertPassword(row, deps.password);
  if (row.mfaSecret)
    throw new AppError('conflict', 'MFA is already on; switch it off first to enrol a new device');
  const secret = newTotpSecret();
  await transaction(deps.db, async (tx) => {
    await updateUserRow(tx, deps.keys, row.id, {
      mfaPendingSecret: sealTotpSecret(deps.keys, row.id, secret),
    });
    await recordAudit(tx, deps.keys, deps.ctx, {
      action: 'auth.mfa.enrol',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
  });
  return { secret, otpauthUri: otpauthUri(secret, row.email) };
}

export async function confirmMfa(deps: Deps & { code: string }): Promise<{ recoveryCodes: string[] }> {
  const row = await signedInUser(deps);
  if (!row.mfaPendingSecret) throw new AppError('conflict', 'Start enrolment first');
  const secret = openTotpSecret(deps.keys, row.id, row.mfaPendingSecret);
  const step = await checkTotp(secret, deps.code, null);
  if (step === null) {
    throw new AppError('invalid_mfa_code', 'The authentication code is wrong', {
      details: [{ field: 'body.code', issue: 'does not match the enrolled secret' }],
    });
  }
  return transaction(deps.db, async (tx) => {
    await updateUserRow(tx, deps.keys, row.id, {
      mfaSecret: row.mfaPendingSecret,
      mfaPendingSecret: null,
      mfaLastTimeStep: step,
      mfaEnabledAt: new Date(),
    });
    const recoveryCodes = await replaceRecoveryCodes(tx, row.id);
    // Other sessions were opened without the second factor: end them.
    const actor = assertStaff(deps.ctx.actor);
    await deleteSessionsOfUser(tx, row.id, actor.kind === 'user' ? actor.sessionId : undefined);
    await recordAudit(tx, deps.keys, deps.ctx, {
      action: 'auth.mfa.confirm',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return { recoveryCodes };
  });
}

export async function disableMfa(
  deps: Deps & { password: string; code?: string | undefined; recoveryCode?: string | undefined },
): Promise<void> {
  const row = await signedInUser(deps);
  await assertPassword(row, deps.password);
  if (!row.mfaSecret) throw new AppError('conflict', 'MFA is not on');
  await assertSecondFactor(deps, row, deps.code, deps.recoveryCode);
  await transaction(deps.db, async (tx) => {
    await updateUserRow(tx, deps.keys, row.id, {
      mfaSecret: null,
      mfaPendingSecret: null,
      mfaEnabledAt: null,
      mfaLastTimeStep: null,
    });
    await deleteRecoveryCodes(tx, row.id);
    await recordAudit(tx, deps.keys, deps.ctx, {
      action: 'auth.mfa.disable',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
  });
}

export async function regenerateRecoveryCodes(
  deps: Deps & { password: string; code: string },
): Promise<{ recoveryCodes: string[] }> {
  const row = await signedInUser(deps);
  await assertPassword(row, deps.password);
  if (!row.mfaSecret) throw new AppError('conflict', 'MFA is not on');
  const step = await assertSecondFactor(deps, row, deps.code);
  return transaction(deps.db, async (tx) => {
    if (step !== null) await updateUserRow(tx, deps.keys, row.id, { mfaLastTimeStep: step });
    const recoveryCodes = await replaceRecoveryCodes(tx, row.id);
    await recordAudit(tx, deps.keys, deps.ctx, {
      action: 'auth.mfa.recovery_codes',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return { recoveryCodes };
  });
}
