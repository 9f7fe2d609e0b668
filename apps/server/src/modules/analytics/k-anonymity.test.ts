import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kAnonymise, ladders, type QuasiIdentifier } from './k-anonymity.js';

interface Row {
  month: string | null;
  stage: string;
  age: number | null;
}

const quasi: QuasiIdentifier<Row>[] = [
  { name: 'created', levels: ladders.month((r) => r.month) },
  { name: 'stage', levels: ladders.category((r) => r.stage) },
  { name: 'age', levels: ladders.bands((r) => r.age, [5, 10, 20]) },
];

const row = fc.record({
  month: fc.option(
    fc
      .tuple(fc.integer({ min: 2015, max: 2026 }), fc.integer({ min: 1, max: 12 }))
      .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
    { nil: null },
  ),
  stage: fc.constantFrom('lead', 'prospect', 'customer', 'former'),
  age: fc.option(fc.integer({ min: 16, max: 95 }), { nil: null }),
});

const keyOf = (values: Record<string, string>) => JSON.stringify(values);

describe('k-anonymity', () => {
  it('releases only groups of at least k records, accounts for every record, and reports the k achieved', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 400 }),
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (records, k, share) => {
          const result = kAnonymise(records, quasi, k, share);
          const sizes = new Map<string, number>();
          for (const r of result.rows) sizes.set(keyOf(r.values), (sizes.get(keyOf(r.values)) ?? 0) + 1);
          for (const size of sizes.values()) expect(size).toBeGreaterThanOrEqual(k);
          expect(result.rows.length + result.suppressed).toBe(records.length);
          expect(result.groups).toBe(sizes.size);
          expect(result.kAchieved).toBe(sizes.size === 0 ? null : Math.min(...sizes.values()));
          // Released values are the records' own, generalised to the chosen levels.
          for (const r of result.rows)
            for (const q of quasi)
              expect(r.values[q.name]).toBe(q.levels[result.levels[q.name]!.level]!.value(r.record));
          // Suppression stays within the budget unless everything was generalised to `*`.
          const allStar = quasi.every((q) => result.levels[q.name]!.level === q.levels.length - 1);
          if (!allStar) expect(result.suppressed).toBeLessThanOrEqual(Math.floor(share * records.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generalises before it suppresses, and only as far as it must', () => {
    const records: Row[] = [];
    for (let i = 0; i < 30; i++)
      records.push({ month: `2026-0${(i % 3) + 1}`, stage: i % 2 ? 'lead' : 'customer', age: 30 + (i % 10) });
    const result = kAnonymise(records, quasi, 5, 0);
    expect(result.suppressed).toBe(0);
    expect(result.kAchieved).toBeGreaterThanOrEqual(5);
    expect(result.levels.stage!.name).toBe('value');
    const strict = kAnonymise(records, quasi, 31, 0);
    expect(strict).toMatchObject({ rows: [], suppressed: 30, kAchieved: null, groups: 0 });
    expect(() => kAnonymise(records, quasi, 0)).toThrow(RangeError);
  });
});
