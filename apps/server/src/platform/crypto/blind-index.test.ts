import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlindIndexer, foldText, normaliseEmail, normalisePhone, wordPrefixes } from './blind-index.js';
import { KeyRing } from './keys.js';

const indexer = new BlindIndexer(new KeyRing(randomBytes(32)));

describe('normalisation', () => {
  it('folds accents and case', () => {
    expect(foldText('José MÜLLER Łódź Straße')).toBe('jose muller lodz strasse');
  });

  it('normalises phone numbers to E.164, and refuses what is not a number', () => {
    expect(normalisePhone('+49 30 1234567')).toBe('+49301234567');
    expect(normalisePhone('030 1234567', 'DE')).toBe('+49301234567');
    expect(normalisePhone('(0)20 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('+33 1 23 45 67 89')).toBe('+33123456789');
    expect(normalisePhone('not a phone')).toBeNull();
  });

  it('normalises e-mail addresses', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('bounds word prefixes', () => {
    expect(wordPrefixes('Ana-María')).toEqual(['a', 'an', 'ana', 'm', 'ma', 'mar', 'mari', 'maria']);
    expect(Math.max(...wordPrefixes('Wolfeschlegelsteinhausenbergerdorff').map((p) => p.length))).toBe(10);
  });
});

describe('blind index tokens', () => {
  it('match for equal normalised values and for word-prefix searches', () => {
    expect(indexer.exactEmail('contact.email', 'Jane@Example.com')).toBe(
      indexer.exactEmail('contact.email', 'jane@example.com'),
    );
    expect(indexer.exactPhone('contact.phone', '030 1234567', 'DE')).toBe(
      indexer.exactPhone('contact.phone', '+49 30 1234567'),
    );
    const stored = new Set(indexer.prefixTokens('contact.name', 'José Müller'));
    for (const q of ['jos', 'MUL', 'müller', 'jose muller']) {
      expect(indexer.queryTokens('contact.name', q).every((t) => stored.has(t))).toBe(true);
    }
    expect(indexer.queryTokens('contact.name', 'mueller').every((t) => stored.has(t))).toBe(false);
  });

  it('differ between indexes and between master keys, and never contain the value (property)', () => {
    const other = new BlindIndexer(new KeyRing(randomBytes(32)));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (value) => {
        const a = indexer.token('contact.email', value);
        expect(indexer.token('contact.email', value)).toBe(a);
        expect(indexer.token('company.name', value)).not.toBe(a);
        expect(other.token('contact.email', value)).not.toBe(a);
        expect(typeof a).toBe('bigint');
      }),
    );
  });

  it('are the same from an indexer for a run, whatever it remembers or forgets (property)', () => {
    // A memo of four entries is cleared again and again: answers must not change when it is.
    const run = indexer.forRun(4);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('José Müller', 'Ana-María', 'jose', 'Łukasz Ødegård', 'Zoë'), {
          maxLength: 8,
        }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
        (names, others) => {
          for (const text of [...names, ...others]) {
            expect(run.prefixTokens('contact.name', text)).toEqual(
              indexer.prefixTokens('contact.name', text),
            );
            expect(run.exactEmail('contact.email', text)).toBe(indexer.exactEmail('contact.email', text));
            expect(run.token('company.name', text)).toBe(indexer.token('company.name', text));
          }
        },
      ),
    );
    // Changing a list it handed out changes nothing it remembers.
    const first = run.prefixTokens('contact.name', 'Ana');
    first.length = 0;
    expect(run.prefixTokens('contact.name', 'Ana')).toEqual(indexer.prefixTokens('contact.name', 'Ana'));
  });
});
