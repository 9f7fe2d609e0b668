import type { Me, Role } from '@custodian/contracts';
import { permissionsOf, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { verifyAgainstDecoy, verifyPassword } from '../../platform/crypto/passwords.js';
import { randomSecret } from '../../platform/crypto/tokens.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findUserByEmail, toUser, type UserRow, updateUserRow } from '../users/index.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { insertSession } from './sessions-repository.js';
import { clearFailures, lockedUntil, registerFailure, throttleKey } from './throttle.js';
import { checkTotp, openTotpSecret } from './totp.js';

export interface LoginInput {
  email: string;
  password: string;
  mfaCode?: string | undefined;
  recoveryCode?: string | undefined;
}

export interface LoginResult {
  me: Omit<Me, 'csrfToken'>;
  sessionToken: string;
}

const wrongCredentials = () => new AppError('invalid_credentials', 'The e-mail or the password is wrong');

/**
 * Password, then (once enrolled) a TOTP or recovery code. Unknown e-mail, disabled account and wrong
 * password give one answer in about the same time; failures are throttled per account, known or not.
 */
export async function login(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  input: LoginInput;
  now?: Date;
}): Promise<LoginResult> {
  const { db, keys, ctx, input } = options;
  const now = options.now ?? new Date();
  const key = throttleKey(keys, input.email);
  const until = await lockedUntil(db, key, now);
  if (until) {
    await recordAudit(db, keys, ctx, { action: 'auth.login', entityType: 'session', outcome: 'denied' });
    throw new AppError('rate_limited', 'Too many failed sign-ins; try again later', {
      retryAfterSeconds: (until.getTime() - now.getTime()) / 1000,
    });
  }

  const user = await findUserByEmail(db, keys, input.email);
  const passwordOk =
    user && user.status === 'active'
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDecoy(input.password);
  if (!user || !passwordOk) {
    await fail(db, keys, ctx, key, now, user);
    throw wrongCredentials();
  }

  let mfaTimeStep: number | null = null;
  if (user.mfaSecret) {
    if (input.mfaCode) {
      mfaTimeStep = await checkTotp(
        openTotpSecret(keys, user.id, user.mfaSecret),
        input.mfaCode,
        user.mfaLastTimeStep,
        now,
      );
      if (mfaTimeStep === null) {
        await fail(db, keys, ctx, key, now, user);
        throw new AppError('invalid_mfa_code', 'The authentication code is wrong or was already used');
      }
    } else if (input.recoveryCode) {
      if (!(await consumeRecoveryCode(db, user.id, input.recoveryCode))) {
        await fail(db, keys, ctx, key, now, user);
        throw new AppError('invalid_mfa_code', 'The recovery code is wrong or was already used');
      }
    } else {
      throw new AppError('mfa_required', 'Enter the code from your authenticator app, or a recovery code', {
        details: [{ field: 'body.mfaCode', issue: 'is required for this account' }],
      });
    }
  }

  await clearFailures(db, key);
  const sessionToken = randomSecret();
  return transaction(db, async (tx) => {
    const updated = await updateUserRow(tx, keys, user.id, {
      lastLoginAt: now,
      ...(mfaTimeStep !== null ? { mfaLastTimeStep: mfaTimeStep } : {}),
    });
    const session = await insertSession(tx, {
      tokenHash: keys.mac('session-token', sessionToken),
      userId: user.id,
      now,
    });
    const actor = {
      kind: 'user' as const,
      userId: user.id,
      role: user.role as Role,
      permissions: permissionsOf(user.role as Role),
      sessionId: session.id,
    };
    await recordAudit(
      tx,
      keys,
      { ...ctx, actor },
      {
        action: input.recoveryCode && !input.mfaCode ? 'auth.login.recovery_code' : 'auth.login',
        entityType: 'session',
        entityId: session.id,
        subjectIds: [user.subjectId],
      },
    );
    return {
      me: { user: toUser(updated ?? user), permissions: [...actor.permissions], authMethod: 'session' },
      sessionToken,
    };
  });
}

async function fail(
  db: Db,
  keys: KeyRing,
  ctx: RequestContext,
  key: Buffer,
  now: Date,
  user: UserRow | null,
) {
  await registerFailure(db, key, now);
  await recordAudit(db, keys, ctx, {
    action: 'auth.login',
    entityType: 'session',
    subjectIds: user ? [user.subjectId] : [],
    outcome: 'failure',
  });
}
