import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { KeyRing } from './keys.js';

/**
 * Blind indexes: keyed HMACs of normalised values, so the database can find equal values without ever
 * holding them. Each index has its own key (HKDF from the master key), so tokens of two indexes never
 * match each other. Tokens are the first 8 bytes of the HMAC as a signed 64-bit integer: compact in
 * bigint arrays with a GIN index; a collision only adds a candidate, which decryption then rules out.
 * Leakage: a token reveals equality with other rows' tokens, never the value.
 */

export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** E.164 (`+493012345678`), or null when the number cannot be read as a phone number. */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isPossible() ? parsed.number : null;
}

/** Lower case, accents folded (é → e, ß → ss), so "José" and "jose" index alike. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replaceAll('ø', 'o')
    .replaceAll('æ', 'ae')
    .replaceAll('œ', 'oe')
    .replaceAll('ł', 'l')
    .replaceAll('đ', 'd');
}

export function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Prefix lengths are bounded: every prefix of every word is a stored token. */
export const maxPrefixLength = 10;

/** The prefixes 1..maxPrefixLength of every word, without repeats. */
export function wordPrefixes(text: string, max = maxPrefixLength): string[] {
  const out = new Set<string>();
  for (const word of words(text)) {
    const chars = [...word];
    for (let n = 1; n <= Math.min(chars.length, max); n++) out.add(chars.slice(0, n).join(''));
  }
  return [...out];
}

export class BlindIndexer {
  constructor(private readonly keys: KeyRing) {}

  /**
   * An indexer for one long run (an import) that remembers the tokens it made, up to `maxEntries`: the same
   * name prefixes come back thousands of times there. It holds normalised values in memory, so it lives only
   * as long as the run; the tokens are the same as this indexer's.
   */
  forRun(maxEntries = 100_000): BlindIndexer {
    return new RunIndexer(this.keys, maxEntries);
  }

  /** The token of one already-normalised value in the named index. */
  token(index: string, normalised: string): bigint {
    return this.keys.mac(`blind-index:${index}`, normalised).readBigInt64BE(0);
  }

  exactEmail(index: string, email: string): bigint {
    return this.token(index, normaliseEmail(email));
  }

  /** Null when the value is not a phone number (it is then not findable by phone). */
  exactPhone(index: string, phone: string, defaultCountry?: CountryCode): bigint | null {
    const e164 = normalisePhone(phone, defaultCountry);
    return e164 === null ? null : this.token(index, e164);
  }

  /** Tokens to store for a text searchable by word prefix. */
  prefixTokens(index: string, text: string): bigint[] {
    return [...new Set(wordPrefixes(text).map((p) => this.token(index, p)))];
  }

  /**
   * A second keyed hash of a token, for lists that must recognise a value without holding its index token
   * (the suppression list): after an erasure no table holds the person's blind-index tokens any more.
   */
  suppressionHash(kind: 'email' | 'phone', token: bigint): string {
    return `h1:${this.keys.mac('suppression-entry', `${kind}:${token}`).subarray(0, 18).toString('base64url')}`;
  }

  /** Tokens a search query must all match: each query word, cut to the longest stored prefix. */
  queryTokens(index: string, query: string): bigint[] {
    return [
      ...new Set(words(query).map((w) => this.token(index, [...w].slice(0, maxPrefixLength).join('')))),
    ];
  }
}

class RunIndexer extends BlindIndexer {
  private readonly tokens = new Map<string, Map<string, bigint>>();
  private readonly prefixes = new Map<string, Map<string, bigint[]>>();
  private size = 0;

  constructor(
    keys: KeyRing,
    private readonly maxEntries: number,
  ) {
    super(keys);
  }

  override token(index: string, normalised: string): bigint {
    const memo = memoOf(this.tokens, index);
    let token = memo.get(normalised);
    if (token === undefined) {
      token = super.token(index, normalised);
      this.remember(memo, normalised, token);
    }
    return token;
  }

  // Names repeat far more than their prefixes differ: a whole name's tokens are remembered too.
  override prefixTokens(index: string, text: string): bigint[] {
    const memo = memoOf(this.prefixes, index);
    let tokens = memo.get(text);
    if (tokens === undefined) {
      tokens = super.prefixTokens(index, text);
      this.remember(memo, text, tokens);
    }
    return [...tokens];
  }

  private remember<T>(memo: Map<string, T>, key: string, value: T): void {
    if (++this.size > this.maxEntries) {
      for (const m of [...this.tokens.values(), ...this.prefixes.values()]) m.clear();
      this.size = 1;
    }
    memo.set(key, value);
  }
}

function memoOf<T>(memos: Map<string, Map<string, T>>, index: string): Map<string, T> {
  let memo = memos.get(index);
  if (!memo) {
    memo = new Map();
    memos.set(index, memo);
  }
  return memo;
}

const indexers = new WeakMap<KeyRing, BlindIndexer>();
export function indexerFor(keys: KeyRing): BlindIndexer {
  let indexer = indexers.get(keys);
  if (!indexer) {
    indexer = new BlindIndexer(keys);
    indexers.set(keys, indexer);
  }
  return indexer;
}
