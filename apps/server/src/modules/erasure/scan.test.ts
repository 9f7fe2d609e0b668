import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closedSetOf, shapeOf } from './scan.js';

describe('closedSetOf: what a CHECK constraint proves about a column', () => {
  it('reads the two shapes PostgreSQL prints for `in (…)` and `<@ array[…]`', () => {
    expect(closedSetOf(`CHECK ((type = ANY (ARRAY['note'::text, 'call'::text])))`, 'type')).toEqual([
      'note',
      'call',
    ]);
    expect(closedSetOf(`CHECK ((kinds <@ ARRAY['email'::text, 'it''s'::text]))`, 'kinds')).toEqual([
      'email',
      "it's",
    ]);
    expect(closedSetOf(`CHECK (("order" = ANY (ARRAY['a'::character varying])))`, 'order')).toEqual(['a']);
  });

  it('proves nothing from any other constraint, or from one on another column', () => {
    for (const definition of [
      `CHECK ((type <> ALL (ARRAY['note'::text, 'call'::text])))`,
      `CHECK ((length(type) < 5))`,
      `CHECK (((type = ANY (ARRAY['note'::text])) OR (other IS NOT NULL)))`,
      `CHECK ((other = ANY (ARRAY['note'::text])))`,
      `CHECK ((type = ANY (ARRAY['note'::text, other])))`,
      `CHECK ((type = ANY (ARRAY[])))`,
      `CHECK ((kinds && ARRAY['email'::text]))`,
    ])
      expect(closedSetOf(definition, 'type'), definition).toBeNull();
  });
});

describe('shapeOf: the regular expression every text holding a trace matches', () => {
  it('matches any text that contains one of the ids or tokens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uuid({ version: 4 }), { maxLength: 3 }),
        fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 3 }),
        fc.string(),
        fc.string(),
        (ids, tokens, before, after) => {
          const shape = shapeOf({ ids, tokens });
          if (ids.length === 0 && tokens.length === 0) {
            expect(shape).toBeNull();
            return;
          }
          const pattern = new RegExp(shape!);
          for (const trace of [...ids, ...tokens.map(String)])
            expect(pattern.test(`${before}${trace}${after}`)).toBe(true);
        },
      ),
    );
  });

  it('lets ordinary values through unread, and gives up on an id that is not a lowercase uuid', () => {
    const pattern = new RegExp(
      shapeOf({ ids: ['0b28954d-04c5-4eba-9408-4427e7b6deae'], tokens: [-5827802857821531394n] })!,
    );
    for (const value of [
      'consent.changed',
      '{"kind": "given", "purpose": "newsletter"}',
      'customFields.vat_id',
    ])
      expect(pattern.test(value)).toBe(false);
    expect(shapeOf({ ids: ['not-a-uuid'], tokens: [] })).toBeNull();
  });
});
