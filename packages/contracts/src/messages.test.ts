import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createContactBody, submitPublicRequestBody, verifyPublicRequest } from './index.js';

const issuesOf = (schema: z.ZodType, input: unknown) =>
  Object.fromEntries((schema.safeParse(input).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('validation messages', () => {
  it('say what is expected in plain words', () => {
    expect(issuesOf(createContactBody, { firstName: 'Ada', emails: [{ value: 'not an address' }] })).toEqual({
      'emails.0.value': 'must be an e-mail address',
    });
    expect(issuesOf(submitPublicRequestBody, {})).toMatchObject({
      type: 'is required',
      email: 'is required',
    });
    expect(issuesOf(submitPublicRequestBody, { type: 'access', email: 'a@b.example', name: '' })).toEqual({
      name: 'must not be empty',
    });
    expect(issuesOf(z.object({ n: z.number().int().max(5) }), { n: 7 })).toEqual({ n: 'must be at most 5' });
    expect(issuesOf(z.object({ s: z.string().max(3) }), { s: 'abcd' })).toEqual({
      s: 'must be at most 3 characters long',
    });
    expect(issuesOf(z.object({ k: z.enum(['a', 'b']) }), { k: 'c' })).toEqual({ k: 'must be one of: a, b' });
    expect(issuesOf(z.object({ id: z.uuid() }), { id: 'x' })).toEqual({ id: 'must be an id (a UUID)' });
    expect(issuesOf(z.object({ t: z.string() }), { t: 5 })).toEqual({ t: 'must be text' });
  });

  it('keep the message a schema gives itself', () => {
    expect(issuesOf(verifyPublicRequest.body!, { code: '12' })).toEqual({
      code: 'must be the 6-digit code from the e-mail',
    });
  });

  it('never repeat what was sent', () => {
    const hostile = '<script>alert(1)</script>';
    const messages = [
      ...Object.values(issuesOf(z.strictObject({ a: z.string() }), { a: 'x', [hostile]: 1 })),
      ...Object.values(issuesOf(z.object({ k: z.enum(['a', 'b']) }), { k: hostile })),
      ...Object.values(issuesOf(z.object({ e: z.email() }), { e: hostile })),
    ];
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(m).not.toContain('script');
  });
});
