import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open, seal } from './cipher.js';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));
const plaintext = fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes));
// Whole graphemes: valid Unicode, so two different contexts never encode to the same bytes.
const context = fc.string({ unit: 'grapheme', maxLength: 40 });

const headerLength = 1 + 12 + 16;

describe('seal and open (AES-256-GCM)', () => {
  it('opens what it sealed, for any bytes and any context', () => {
    fc.assert(
      fc.property(key, plaintext, context, (k, p, c) => {
        const sealed = seal(k, p, c);
        expect(sealed.length).toBe(headerLength + p.length);
        expect(open(k, sealed, c).equals(p)).toBe(true);
      }),
    );
  });

  it('refuses a sealed value with any single bit flipped, header, tag or body', () => {
    fc.assert(
      fc.property(key, plaintext, context, fc.nat(), (k, p, c, position) => {
        const sealed = seal(k, p, c);
        const bit = position % (sealed.length * 8);
        const tampered = Buffer.from(sealed);
        tampered[bit >> 3] = (tampered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        expect(() => open(k, tampered, c)).toThrow();
      }),
    );
  });

  it('refuses a truncated or extended sealed value', () => {
    fc.assert(
      fc.property(key, plaintext, context, fc.nat(), (k, p, c, cut) => {
        const sealed = seal(k, p, c);
        expect(() => open(k, sealed.subarray(0, cut % sealed.length), c)).toThrow();
        expect(() => open(k, Buffer.concat([sealed, Buffer.from([cut & 0xff])]), c)).toThrow();
      }),
    );
  });

  it('refuses another key', () => {
    fc.assert(
      fc.property(key, key, plaintext, context, (k1, k2, p, c) => {
        fc.pre(!k1.equals(k2));
        expect(() => open(k2, seal(k1, p, c), c)).toThrow();
      }),
    );
  });

  it('refuses another context: a value moved to another row or field does not open', () => {
    fc.assert(
      fc.property(key, plaintext, context, context, (k, p, c1, c2) => {
        fc.pre(!Buffer.from(c1).equals(Buffer.from(c2)));
        expect(() => open(k, seal(k, p, c1), c2)).toThrow();
      }),
    );
  });

  it('never seals the same plaintext twice to the same bytes (random nonce)', () => {
    fc.assert(
      fc.property(key, plaintext, context, (k, p, c) => {
        const a = seal(k, p, c);
        const b = seal(k, p, c);
        expect(a.equals(b)).toBe(false);
        expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
      }),
    );
  });

  it('draws a fresh nonce for every seal, across refills of its pool', () => {
    const k = Buffer.alloc(32, 7);
    const nonces = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const sealed = seal(k, Buffer.from('same'), 'same');
      nonces.add(sealed.subarray(1, 13).toString('hex'));
      expect(open(k, sealed, 'same').toString()).toBe('same');
    }
    expect(nonces.size).toBe(5000);
  });
});
