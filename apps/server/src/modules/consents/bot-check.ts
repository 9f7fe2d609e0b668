import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/keys.js';

/**
 * The bot check of public forms, with no third party: a signed proof-of-work challenge. The browser finds a
 * `solution` such that SHA-256(challenge ":" solution) starts with `difficulty` zero bits (about 2^difficulty
 * hashes: a fraction of a second for one person, costly for a flood). Challenges expire, name their form,
 * and are single-use (the caller records each used one).
 */
export interface ChallengeClaims {
  formId: string;
  expiresAt: number;
  difficulty: number;
}

const challengeLifetimeMs = 30 * 60_000;

const sign = (keys: KeyRing, payload: string) =>
  keys.mac('consent-challenge', payload).subarray(0, 16).toString('base64url');

export function issueChallenge(keys: KeyRing, formId: string, difficulty: number, now = Date.now()) {
  const expiresAt = now + challengeLifetimeMs;
  const payload = Buffer.from(
    JSON.stringify({ f: formId, e: expiresAt, d: difficulty, n: randomBytes(12).toString('base64url') }),
  ).toString('base64url');
  return {
    challenge: `${payload}.${sign(keys, payload)}`,
    difficulty,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

export function leadingZeroBits(hash: Buffer): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export const workHash = (challenge: string, solution: string): Buffer =>
  createHash('sha256').update(`${challenge}:${solution}`).digest();

/** Solves a challenge (what the form's script does; tests use it too). */
export function solveChallenge(challenge: string, difficulty: number): string {
  for (let i = 0; ; i++) if (leadingZeroBits(workHash(challenge, String(i))) >= difficulty) return String(i);
}

/** The claims of a genuine, unexpired, solved challenge for this form; null otherwise. */
export function verifyChallenge(
  keys: KeyRing,
  input: { challenge: string; solution: string; formId: string },
  now = Date.now(),
): ChallengeClaims | null {
  const [payload, signature] = input.challenge.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(keys, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: { f?: unknown; e?: unknown; d?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (claims.f !== input.formId || typeof claims.e !== 'number' || typeof claims.d !== 'number') return null;
  if (claims.e < now) return null;
  if (leadingZeroBits(workHash(input.challenge, input.solution)) < claims.d) return null;
  return { formId: claims.f, expiresAt: claims.e, difficulty: claims.d };
}

/** What is stored of a used challenge: its hash, never the challenge. */
export const challengeHash = (challenge: string) => createHash('sha256').update(challenge).digest('hex');
