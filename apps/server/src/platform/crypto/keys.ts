import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What each derived key is for. A key is never used for two purposes. */
export type KeyPurpose =
  | 'audit-entry-mac'
  | 'session-token'
  | 'csrf-token'
  | 'api-token'
  | 'login-throttle'
  | 'mfa-secret'
  | 'setup-token'
  | 'subject-key-wrap'
  | 'consent-network-address'
  | 'consent-confirmation'
  | 'consent-challenge'
  | 'request-verification'
  | 'request-verification-hash'
  | 'request-status-link'
  | 'suppression-entry'
  | 'package-download'
  | 'package-download-token'
  | 'retention-item'
  | 'campaign-unsubscribe'
  | 'campaign-return-path'
  | 'campaign-tracking'
  | 'preference-link'
  | 'webhook-secret'
  | `blind-index:${string}`
  | `pseudonym:${string}`;

/** Keys derived from the master key with HKDF-SHA256; the master key itself is never used directly. */
export class KeyRing {
  readonly masterKeyId: string;
  private readonly derived = new Map<KeyPurpose, Buffer>();

  private readonly others = new Map<string, KeyRing>();

  /**
   * `masterKey` is the current key: everything new is wrapped or signed under it. `retired` keys were
   * current before a rotation; they stay readable so older audit entries verify and re-wrapping can resume.
   */
  constructor(
    private readonly masterKey: Buffer,
    retired: readonly Buffer[] = [],
  ) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    this.masterKeyId = createHash('sha256').update(this.derive('key-id')).digest('hex').slice(0, 16);
    for (const key of retired) {
      const ring = new KeyRing(key);
      if (ring.masterKeyId !== this.masterKeyId) this.others.set(ring.masterKeyId, ring);
    }
  }

  /** The current ring first, then the retired ones: for secrets hashed before a rotation. */
  all(): KeyRing[] {
    return [this, ...this.others.values()];
  }

  /** The ring of the master key with this id (the current one or a retired one), or null if not loaded. */
  ring(masterKeyId: string): KeyRing | null {
    return masterKeyId === this.masterKeyId ? this : (this.others.get(masterKeyId) ?? null);
  }

  key(purpose: KeyPurpose): Buffer {
    let k = this.derived.get(purpose);
    if (!k) {
      k = this.derive(purpose);
      this.derived.set(purpose, k);
    }
    return k;
  }

  mac(purpose: KeyPurpose, data: string | Buffer): Buffer {
    return createHmac('sha256', this.key(purpose)).update(data).digest();
  }

  private derive(info: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.from('custodian/v1'), info, 32));
  }
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
