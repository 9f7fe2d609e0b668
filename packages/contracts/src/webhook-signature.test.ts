import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256, signWebhookPayload, verifyWebhookSignature } from './webhook-signature.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('webhook signatures', () => {
  it('computes SHA-256 and HMAC-SHA256 as node:crypto does, for any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 150 }), (data, key) => {
        expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
        expect(hex(hmacSha256(key, data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a fresh signature and refuses tampering, replays, the future and garbage', () => {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const body = JSON.stringify({ id: 'e1', type: 'contact.created', data: { name: 'Zoë' } });
    const at = new Date('2026-03-01T12:00:00Z');
    const header = signWebhookPayload(secret, body, at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
    const check = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret, header, body, now: at, ...over });
    expect(check({})).toEqual({ ok: true, timestamp: t });
    expect(check({ body: Buffer.from(body) })).toEqual({ ok: true, timestamp: t });
    expect(check({ now: new Date(at.getTime() + 299_000) }).ok).toBe(true);
    expect(check({ body: body.replace('Zoë', 'Zoe') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ secret: `${secret}x` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ now: new Date(at.getTime() + 301_000) })).toEqual({ ok: false, reason: 'too_old' });
    expect(check({ now: new Date(at.getTime() - 301_000) })).toEqual({ ok: false, reason: 'from_future' });
    expect(check({ now: new Date(at.getTime() + 3_000), toleranceSeconds: 2 }).ok).toBe(false);
    // A valid signature moved to another time is not valid.
    expect(check({ header: header.replace(`t=${t}`, `t=${t + 1}`) }).ok).toBe(false);
    for (const bad of [null, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`, 't=1,v1=zz', 'nonsense'])
      expect(check({ header: bad })).toEqual({ ok: false, reason: 'malformed' });
    // Several v1 values (during a change of scheme): any one matching is enough; unknown schemes are ignored.
    expect(check({ header: `${header},v1=${'0'.repeat(64)},v2=whatever` }).ok).toBe(true);
  });
});
