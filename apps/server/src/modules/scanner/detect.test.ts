import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CorpusEntry, corpus } from './corpus.js';
import { holdout } from './corpus-holdout.js';
import { type FindingKind, findingKinds, kindsIn, scanText } from './detect.js';

function evaluate(entries: readonly CorpusEntry[], label: string) {
  const counts = new Map(findingKinds.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  const misses: string[] = [];
  for (const entry of entries) {
    const found = new Set(kindsIn(entry.text));
    const expected = new Set<FindingKind>(entry.kinds);
    for (const kind of findingKinds) {
      const c = counts.get(kind)!;
      if (found.has(kind) && expected.has(kind)) c.tp++;
      else if (found.has(kind)) {
        c.fp++;
        misses.push(`false ${kind}: ${entry.text}`);
      } else if (expected.has(kind)) {
        c.fn++;
        misses.push(`missed ${kind}: ${entry.text}`);
      }
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const table = [...counts].map(([kind, c]) => ({
    kind,
    ...c,
    precision: Number(ratio(c.tp, c.tp + c.fp).toFixed(3)),
    recall: Number(ratio(c.tp, c.tp + c.fn).toFixed(3)),
  }));
  const total = table.reduce((s, r) => ({ tp: s.tp + r.tp, fp: s.fp + r.fp, fn: s.fn + r.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  const overall = {
    precision: ratio(total.tp, total.tp + total.fp),
    recall: ratio(total.tp, total.tp + total.fn),
  };
  // The figures, for the record (closing notes quote them).
  console.info(
    `${label}: ${entries.length} snippets, precision ${overall.precision.toFixed(3)}, recall ${overall.recall.toFixed(3)}`,
  );
  console.table(table);
  if (misses.length > 0) console.info(misses.join('\n'));
  return { overall, table, misses: misses.join('\n') };
}

describe('the personal-data scanner, on labelled corpora', () => {
  it('finds what people wrote and little else on the corpus it was tuned on', () => {
    const { overall, table, misses } = evaluate(corpus, 'tuning corpus');
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(overall.precision, misses).toBeGreaterThanOrEqual(0.95);
    expect(overall.recall, misses).toBeGreaterThanOrEqual(0.95);
    for (const row of table) {
      expect(row.tp + row.fn, `${row.kind} has positives in the corpus`).toBeGreaterThanOrEqual(10);
      expect(row.precision, row.kind).toBeGreaterThanOrEqual(0.9);
      expect(row.recall, row.kind).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('holds up on a corpus written blind, which it was not tuned on', () => {
    const { overall, misses } = evaluate(holdout, 'held-out corpus');
    expect(holdout.length).toBeGreaterThanOrEqual(100);
    expect(overall.precision, misses).toBeGreaterThanOrEqual(0.85);
    expect(overall.recall, misses).toBeGreaterThanOrEqual(0.8);
  });
});

describe('the validators', () => {
  it.each([
    ['DE89 3704 0044 0532 0130 00', ['iban']],
    ['DE89 3704 0044 0532 0130 01', []],
    ['GB82WEST12345698765432', ['iban']],
    ['Visa 4111 1111 1111 1111', ['payment_card']],
    ['Visa 4111 1111 1111 1112', []],
    ['Order number 4111 1111 1111 1111', []],
    ['Rechnungsnummer 5555 5555 5555 4444', []],
    ['Card 1234 5678 9012 3452', []],
    ['DNI 12345678Z', ['national_id']],
    ['DNI 12345678A', []],
    ['NIE X1234567L', ['national_id']],
    ['CF RSSMRA85T10A562S', ['national_id']],
    ['CF RSSMRA85T10A562T', []],
    ['Steuer-ID 65929970489', ['national_id']],
    ['Steuer-ID 65929970488', []],
    ['Kundennummer 65929970489', []],
    ['BSN 111222333', ['national_id']],
    ['BSN 111222334', []],
    ['born 12 March 1984', ['date_of_birth']],
    ['meeting on 12 March 2026', []],
    ['call me on 030 1234567', ['phone']],
    ['range 2019-2024', []],
  ] as const)('%s → %o', (text, kinds) => {
    expect(kindsIn(text)).toEqual(kinds);
  });

  it('reports offsets, never values, and finds each occurrence', () => {
    const text = 'Mail a@example.com or b@example.org';
    expect(scanText(text)).toEqual([
      { kind: 'email', start: 5, end: 18 },
      { kind: 'email', start: 22, end: 35 },
    ]);
  });
});

describe('the shortcuts that skip finders which cannot match', () => {
  it('change nothing on the labelled corpora', () => {
    for (const { text } of [...corpus, ...holdout])
      expect(scanText(text), text).toEqual(scanText(text, { exhaustive: true }));
  });

  it('change nothing on texts stitched from words, digits of several scripts and separators', () => {
    // Pieces each finder reacts to, so that the stitched texts hold near-misses as well as hits.
    const piece = fc.constantFrom(
      'born',
      'geboren le',
      'né le',
      'DOB',
      '12.03.1985',
      '1985',
      'March 3, 1985',
      '3 mars 1985',
      'call',
      'tel.',
      '+49 30 123456',
      '030 1234567',
      '+4915112345678',
      '٠١٢٣٤٥٦٧٨٩',
      '０３０１２３',
      '7',
      '42',
      'DE89 3704 0044 0532 0130 00',
      '4111 1111 1111 1111',
      'order 4111111111111111',
      '12345678Z',
      'X1234567L',
      'AB 12 34 56 C',
      'RSSMRA85T10A562S',
      'steuer-id 12345679811',
      'bsn 111222333',
      'diabetes',
      'Krebs',
      'enceinte',
      'muslim',
      'trade union',
      'european union',
      'gay',
      'gay-lussac',
      'party member',
      'votes for the greens',
      'Église',
      'a@example.com',
      'x',
      'é',
      'Ünïcödé',
      'church street',
      'tropical depression',
      '\u0301',
    );
    const sep = fc.constantFrom(' ', '', '. ', ', ', '\n', '-', '/', ': ');
    const text = fc.array(fc.tuple(piece, sep), { maxLength: 8 }).map((parts) => parts.flat().join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'grapheme', maxLength: 60 })), (t) => {
        expect(scanText(t)).toEqual(scanText(t, { exhaustive: true }));
      }),
      { numRuns: 2000 },
    );
  });
});
