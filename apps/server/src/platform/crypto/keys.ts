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
  | `blind-index:${string}`;

/** Keys derived from the master key with HKDF-SHA256; the master key itself is never used directly. */
export class KeyRing {
  readonly masterKeyId: string;
  private readonly derived = new Map<KeyPurpose, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    this.masterKeyId = createHash('sha256').update(this.derive('key-id')).digest('hex').slice(0, 16);
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
