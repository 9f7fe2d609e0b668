import { generateSecret, generateURI, verify } from 'otplib';
import { open, seal } from '../../platform/crypto/cipher.js';
import type { KeyRing } from '../../platform/crypto/keys.js';

export const totpIssuer = 'Custodian';

export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUri(secret: string, label: string): string {
  return generateURI({ issuer: totpIssuer, label, secret });
}

/** TOTP secrets are sealed under a key derived from the master key, bound to their user. */
export function sealTotpSecret(keys: KeyRing, userId: string, secret: string): Buffer {
  return seal(keys.key('mfa-secret'), Buffer.from(secret), `totp:${userId}`);
}

export function openTotpSecret(keys: KeyRing, userId: string, sealed: Buffer): string {
  return open(keys.key('mfa-secret'), sealed, `totp:${userId}`).toString();
}

/**
 * Accepts the current code or its neighbour either side (clock drift), but never a time step at or
 * before the last one accepted, so a code seen over a shoulder cannot be replayed.
 * Returns the accepted time step, or null.
 */
export async function checkTotp(
  secret: string,
  code: string,
  lastTimeStep: number | null,
  now: Date = new Date(),
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(lastTimeStep !== null ? { afterTimeStep: lastTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
