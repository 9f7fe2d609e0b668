import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { open, seal } from '../../platform/crypto/cipher.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam, bulkColumn, insertRows } from '../../platform/db/bulk.js';
import type { Executor } from '../../platform/db/database.js';
import { newRowId } from '../../platform/db/ids.js';
import { AppError } from '../../platform/http/errors.js';
import { dataSubjects } from './schema.js';

const wrapContext = (subjectId: string) => `subject-key:${subjectId}`;
/** Ids as one array parameter: a batch of thousands stays one short statement. */
const uuidArray = (ids: readonly string[]) => sql`${arrayParam(ids, 'uuid')}`;

/** A subject's wrapped data key as stored (null once shredded), read by the caller with its own rows. */
export interface WrappedSubjectKey {
  id: string;
  wrappedKey: Buffer | null;
  keyId: string | null;
}

/** A data subject made in memory for a bulk insert: its id and its data key, in clear. */
export interface NewSubject {
  id: string;
  key: Buffer;
}

export class SubjectShreddedError extends AppError {
  constructor() {
    super('not_found', 'The person’s data was erased');
  }
}

/**
 * Creates, unwraps and destroys per-person data keys. Unwrapped keys are cached in process, bounded in
 * count (least recently used out) and in age, so a key shredded by another server stops being usable
 * here within `maxAgeMs` even before the rows go.
 */
export class SubjectKeyStore {
  private readonly cache = new Map<string, { key: Buffer; at: number }>();
  readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly keys: KeyRing,
    options: { maxEntries?: number; maxAgeMs?: number } = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
  }

  get cachedCount(): number {
    return this.cache.size;
  }

  /** A new data subject with a fresh random data key; returns its id. */
  async createSubject(ex: Executor): Promise<string> {
    const id = newRowId();
    const dataKey = randomBytes(32);
    await ex
      .insert(dataSubjects)
      .values({ id, wrappedKey: this.wrap(id, dataKey), keyId: this.keys.masterKeyId });
    this.remember(id, dataKey);
    return id;
  }

  /**
   * New subjects for a bulk insert, made in memory only: ids and fresh data keys. Nothing is stored (and
   * nothing cached) until `insertSubjects`; subjects never inserted simply vanish with their keys.
   */
  newSubjects(count: number): NewSubject[] {
    if (count === 0) return [];
    // One draw from the CSPRNG for every key; each key is its own copy and the draw is wiped.
    const material = randomBytes(32 * count);
    const fresh = Array.from({ length: count }, (_, i) => ({
      id: newRowId(),
      key: Buffer.from(material.subarray(32 * i, 32 * i + 32)),
    }));
    material.fill(0);
    return fresh;
  }

  /** Stores subjects made by `newSubjects`, their keys wrapped, in one statement. */
  async insertSubjects(ex: Executor, subjects: readonly NewSubject[]): Promise<void> {
    await insertRows(ex, dataSubjects, [
      bulkColumn(
        dataSubjects.id,
        subjects.map((f) => f.id),
      ),
      bulkColumn(
        dataSubjects.wrappedKey,
        subjects.map((f) => this.wrap(f.id, f.key)),
      ),
      bulkColumn(
        dataSubjects.keyId,
        subjects.map(() => this.keys.masterKeyId),
      ),
    ]);
    for (const { id, key } of subjects) this.remember(id, key);
  }

  /** Many new subjects in one statement: their ids and data keys, in order. */
  async createSubjects(ex: Executor, count: number): Promise<NewSubject[]> {
    const fresh = this.newSubjects(count);
    await this.insertSubjects(ex, fresh);
    return fresh;
  }

  /** The subject's data key. Throws not_found for an unknown or shredded subject. */
  async keyFor(ex: Executor, subjectId: string): Promise<Buffer> {
    const hit = this.cache.get(subjectId);
    if (hit && Date.now() - hit.at < this.maxAgeMs) {
      this.cache.delete(subjectId); // re-insert: most recently used last
      this.cache.set(subjectId, hit);
      return hit.key;
    }
    this.cache.delete(subjectId);
    const [row] = await ex.select().from(dataSubjects).where(eq(dataSubjects.id, subjectId));
    if (!row) throw new AppError('not_found', 'The person does not exist');
    if (!row.wrappedKey) throw new SubjectShreddedError();
    const wrapper = row.keyId ? this.keys.ring(row.keyId) : null;
    if (!wrapper) throw new Error('The subject key is wrapped under a master key that is not loaded');
    const dataKey = open(wrapper.key('subject-key-wrap'), row.wrappedKey, wrapContext(subjectId));
    this.remember(subjectId, dataKey);
    return dataKey;
  }

  /**
   * The data keys of many subjects, fetching the ones not cached in one query. Unknown or shredded
   * subjects are absent from the map (a list shows what it can still read).
   */
  async keysFor(ex: Executor, subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of new Set(subjectIds)) {
      const hit = this.cache.get(id);
      if (hit && Date.now() - hit.at < this.maxAgeMs) out.set(id, hit.key);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await ex.select().from(dataSubjects).where(inArray(dataSubjects.id, missing));
    for (const [id, dataKey] of this.unwrapKeys(rows)) out.set(id, dataKey);
    return out;
  }

  /**
   * The data keys of subjects whose wrapped keys the caller read with its own rows (a join on
   * `data_subjects`), so a read needs no query of its own for them. The database's answer wins over the
   * cache: a shredded subject (null wrapped key) is absent from the map and forgotten here.
   */
  unwrapKeys(rows: readonly WrappedSubjectKey[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const row of rows) {
      if (!row.wrappedKey) {
        this.cache.delete(row.id);
        continue;
      }
      const hit = this.cache.get(row.id);
      if (hit && Date.now() - hit.at < this.maxAgeMs) {
        out.set(row.id, hit.key);
        continue;
      }
      const wrapper = row.keyId ? this.keys.ring(row.keyId) : null;
      if (!wrapper) throw new Error('The subject key is wrapped under a master key that is not loaded');
      const dataKey = open(wrapper.key('subject-key-wrap'), row.wrappedKey, wrapContext(row.id));
      this.remember(row.id, dataKey);
      out.set(row.id, dataKey);
    }
    return out;
  }

  /** Crypto-shredding: destroys the subject's data key. Irreversible; idempotent. */
  async shred(ex: Executor, subjectId: string): Promise<void> {
    await this.shredMany(ex, [subjectId]);
  }

  /** Crypto-shredding of many subjects in one statement (a retention batch); returns how many were shredded now. */
  async shredMany(ex: Executor, subjectIds: readonly string[]): Promise<number> {
    const unique = [...new Set(subjectIds)];
    if (unique.length === 0) return 0;
    for (const id of unique) this.cache.delete(id);
    const shredded = await ex
      .update(dataSubjects)
      .set({ wrappedKey: null, keyId: null, shreddedAt: new Date() })
      .where(and(sql`${dataSubjects.id} = any(${uuidArray(unique)})`, isNull(dataSubjects.shreddedAt)))
      .returning({ id: dataSubjects.id });
    return shredded.length;
  }

  /**
   * Erasure: removes the rows of shredded keys, so not even the random id of the person's key is left
   * outside the audit trail. Refuses (throws) for a key that was not shredded first.
   */
  async forgetShredded(ex: Executor, subjectIds: readonly string[]): Promise<number> {
    if (subjectIds.length === 0) return 0;
    const unique = [...new Set(subjectIds)];
    const gone = await ex
      .delete(dataSubjects)
      .where(and(sql`${dataSubjects.id} = any(${uuidArray(unique)})`, isNotNull(dataSubjects.shreddedAt)))
      .returning({ id: dataSubjects.id });
    if (gone.length !== unique.length) throw new Error('Only shredded keys can be forgotten');
    return gone.length;
  }

  private wrap(subjectId: string, dataKey: Buffer): Buffer {
    return seal(this.keys.key('subject-key-wrap'), dataKey, wrapContext(subjectId));
  }

  private remember(subjectId: string, key: Buffer): void {
    this.cache.set(subjectId, { key, at: Date.now() });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}

/** Where a personal value lives: bound into its ciphertext, so a value moved elsewhere fails to open. */
export interface FieldLocation {
  subjectId: string;
  entity: string;
  field: string;
}

const fieldContext = (l: FieldLocation) => `field:${l.entity}.${l.field}:${l.subjectId}`;

export function encryptField(dataKey: Buffer, location: FieldLocation, value: string): Buffer {
  return seal(dataKey, Buffer.from(value, 'utf8'), fieldContext(location));
}

export function decryptField(dataKey: Buffer, location: FieldLocation, sealed: Buffer): string {
  return open(dataKey, sealed, fieldContext(location)).toString('utf8');
}

const stores = new WeakMap<KeyRing, SubjectKeyStore>();
/** The process's one key store for a key ring, so every module shares one bounded cache. */
export function subjectKeysFor(keys: KeyRing): SubjectKeyStore {
  let store = stores.get(keys);
  if (!store) {
    store = new SubjectKeyStore(keys);
    stores.set(keys, store);
  }
  return store;
}
