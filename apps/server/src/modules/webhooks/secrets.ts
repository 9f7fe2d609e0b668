import { randomBytes } from 'node:crypto';
import { open, seal } from '../../platform/crypto/cipher.js';
import type { KeyRing } from '../../platform/crypto/keys.js';

/** A new signing secret: 32 random bytes, as integrators paste it into their configuration. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

const contextOf = (subscriptionId: string) => `webhook-secret:${subscriptionId}`;

/** Sealed under a key derived from the current master key, bound to its subscription. */
export function sealWebhookSecret(keys: KeyRing, subscriptionId: string, secret: string) {
  return {
    secret: seal(keys.key('webhook-secret'), Buffer.from(secret, 'utf8'), contextOf(subscriptionId)),
    secretKeyId: keys.masterKeyId,
  };
}

/** Opens a secret with the master key it was sealed under (the current one or a retired one). */
export function openWebhookSecret(
  keys: KeyRing,
  row: { id: string; secret: Buffer; secretKeyId: string },
): string {
  const ring = keys.ring(row.secretKeyId);
  if (!ring) throw new Error('The master key that sealed this webhook secret is not loaded');
  return open(ring.key('webhook-secret'), row.secret, contextOf(row.id)).toString('utf8');
}
