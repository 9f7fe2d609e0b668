import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../platform/crypto/keys.js';
import { openPglite, queryRows } from '../platform/db/database.js';
import { engine } from '../test/database.js';
import { runCli } from '../test/processes.js';

const spawnTimeout = 120_000;
/** The real `custodian` command from the sources, with the variables given. */
const cli = (args: string[], env: Record<string, string>) => runCli(args, env);

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** Every file under `dir` with its size and modification time: equal snapshots mean nothing was touched. */
function snapshot(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const stat = fs.statSync(file);
      return `${path.relative(dir, file)} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

async function query<T>(dataDir: string, statement: string): Promise<T[]> {
  const database = await openPglite(dataDir);
  try {
    return await queryRows<T>(database.db, sql.raw(statement));
  } finally {
    await database.close();
  }
}

const contactIds = async (dataDir: string) =>
  (await query<{ id: string }>(dataDir, 'select id from contacts order by id')).map((r) => r.id);

/** The manifest line of a backup file, and the offset where its payload starts. */
function manifestOf(file: string): { manifest: Record<string, unknown>; payloadAt: number } {
  const content = fs.readFileSync(file);
  const first = content.indexOf(0x0a);
  const second = content.indexOf(0x0a, first + 1);
  return {
    manifest: JSON.parse(content.subarray(first + 1, second).toString('utf8')) as Record<string, unknown>,
    payloadAt: second + 1,
  };
}

describe.runIf(engine === 'pglite')('custodian backup and restore (embedded database)', () => {
  let base = '';
  let dataDir = '';
  let keyFile = '';
  let env: Record<string, string> = {};
  let backup = '';
  let keyId = '';
  let before: string[] = [];

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-backup-'));
    dataDir = path.join(base, 'data');
    keyFile = `${dataDir}-keys/master.key`;
    backup = path.join(base, 'crm.backup');
    env = { DATA_DIR: dataDir };
    const seeded = await cli(['demo', '--contacts', '30', '--seed', '5'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    keyId = new KeyRing(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64')).masterKeyId;
    before = await contactIds(dataDir);
    expect(before).toHaveLength(30);
  }, spawnTimeout);

  afterAll(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });

  it(
    'backup: writes one 0600 file with its manifest, and neither the master key nor the key file',
    async () => {
      const result = await cli(['backup', backup], env);
      expect(result.code, result.stderr).toBe(0);
      expect(lines(result.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Backup written to ${backup} in [\\d.]+ s: [\\d.]+ MB, 30 contacts, \\d+ migrations, master key ${keyId}\\.$`,
          ),
        ),
      ]);
      expect(result.stderr).toContain('The master key is not in the backup');
      expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
      // Written to a temporary file and renamed: nothing else is left beside it.
      expect(fs.readdirSync(base).sort()).toEqual(['crm.backup', 'data', 'data-keys']);

      const { manifest, payloadAt } = manifestOf(backup);
      expect(fs.readFileSync(backup).subarray(0, 19).toString()).toBe('CUSTODIAN-BACKUP 1\n');
      expect(manifest).toMatchObject({
        format: 'custodian-backup',
        formatVersion: 1,
        engine: 'pglite',
        masterKeyId: keyId,
        counts: { contacts: 30, suppressionEntries: 0 },
        migrations: { count: expect.any(Number), lastTag: expect.any(String) },
      });

      const keyText = fs.readFileSync(keyFile, 'utf8');
      const key = Buffer.from(keyText.trim(), 'base64');
      const file = fs.readFileSync(backup);
      const unpacked = gunzipSync(file.subarray(payloadAt));
      for (const haystack of [file, unpacked]) {
        expect(haystack.includes(key)).toBe(false);
        expect(haystack.includes(Buffer.from(keyText.trim()))).toBe(false);
        expect(haystack.includes(Buffer.from(key.toString('hex')))).toBe(false);
      }
      expect(unpacked.includes(Buffer.from('master.key'))).toBe(false);
      // The unpacked tarball is the data directory itself: a PostgreSQL cluster.
      expect(unpacked.includes(Buffer.from('PG_VERSION'))).toBe(true);
    },
    spawnTimeout,
  );

  it(
    'backup and restore: refused with one line while another process (the server) holds the data directory',
    async () => {
      const holder = await openPglite(dataDir);
      try {
        const target = path.join(base, 'while-running.backup');
        const [backedUp, restored] = await Promise.all([
          cli(['backup', target], env),
          cli(['restore', backup, '--force'], env),
        ]);
        for (const result of [backedUp, restored]) {
          expect(result.code).toBe(1);
          expect(lines(result.stderr)).toEqual([
            expect.stringContaining(
              `in use by another Custodian process (pid ${process.pid}). Stop the server`,
            ),
          ]);
          expect(result.stdout).toBe('');
        }
        expect(fs.existsSync(target)).toBe(false);
        expect(fs.readdirSync(base).sort()).toEqual(['crm.backup', 'data', 'data-keys']);
      } finally {
        await holder.close();
      }
    },
    spawnTimeout,
  );

  it(
    'restore: a person erased after the backup is erased again; data added after it is gone; the chain verifies',
    async () => {
      const [erasedId, keptId] = before;
      const erased = await cli(['erase', '--subject', erasedId!, '--reason', 'Ticket 7'], env);
      expect(erased.code, erased.stderr).toBe(0);
      const added = await cli(['demo', '--contacts', '4', '--seed', '9', '--force'], env);
      expect(added.code, added.stderr).toBe(0);
      const afterBackup = await contactIds(dataDir);
      expect(afterBackup).toHaveLength(33);
      const addedIds = afterBackup.filter((id) => !before.includes(id));
      expect(addedIds).toHaveLength(4);

      const unforced = await cli(['restore', backup], env);
      expect(unforced.code).toBe(1);
      expect(lines(unforced.stderr)).toEqual([expect.stringContaining('Add --force to go on.')]);

      const restored = await cli(['restore', backup, '--force'], env);
      expect(restored.code, restored.stderr).toBe(0);
      const out = lines(restored.stdout);
      const aside = fs.readdirSync(base).find((name) => name.startsWith('data.before-restore-'));
      expect(aside).toBeDefined();
      expect(out).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Restored the backup of .* \(Custodian .*, 30 contacts\) into /),
          expect.stringContaining(`moved to ${path.join(base, aside!)};`),
          expect.stringMatching(
            /^Suppression list: [1-9]\d* entries from the replaced database; [1-9]\d* added/,
          ),
          '30 contacts checked against the suppression list; 1 erased again.',
          expect.stringMatching(/^Erased \(erased\)\. Certificate [0-9a-f-]{36}$/),
        ]),
      );
      expect(restored.stdout).not.toContain(erasedId);

      const now = await contactIds(dataDir);
      expect(now).not.toContain(erasedId);
      expect(now).toContain(keptId);
      expect(now).toHaveLength(29);
      for (const id of addedIds) expect(now).not.toContain(id);
      // The replaced database is kept aside, whole, and no lock or half-restored copy is left behind.
      expect(await contactIds(path.join(base, aside!))).toEqual(afterBackup);
      expect(fs.existsSync(path.join(dataDir, 'custodian.lock'))).toBe(false);
      expect(fs.readdirSync(base).filter((n) => n.includes('.restoring-'))).toEqual([]);
      const [audit] = await query<{ n: number }>(
        dataDir,
        "select count(*)::int as n from audit_entries where action = 'backup.restore'",
      );
      expect(audit?.n).toBe(1);

      const verified = await cli(['audit', 'verify'], env);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toContain('Audit chain intact');
    },
    spawnTimeout * 3,
  );

  it(
    'restore: under another master key, refused with one line naming both key ids; nothing changed',
    async () => {
      const otherKey = randomBytes(32);
      const otherId = new KeyRing(otherKey).masterKeyId;
      const state = snapshot(dataDir);
      const entries = fs.readdirSync(base).sort();
      const result = await cli(['restore', backup, '--force'], {
        ...env,
        CUSTODIAN_MASTER_KEY: otherKey.toString('base64'),
      });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        `The backup was written under master key ${keyId}, but the key given (CUSTODIAN_MASTER_KEY or the key file, retired keys included) is ${otherId}: restore with the key the backup was made under. Nothing was changed.`,
      ]);
      expect(result.stdout).toBe('');
      expect(snapshot(dataDir)).toEqual(state);
      expect(fs.readdirSync(base).sort()).toEqual(entries);
    },
    spawnTimeout,
  );

  it(
    'restore: refuses a foreign file, a damaged backup and one from a newer Custodian; nothing changed',
    async () => {
      const foreign = path.join(base, 'foreign.bin');
      fs.writeFileSync(foreign, randomBytes(4096));
      const damaged = path.join(base, 'damaged.backup');
      const bytes = fs.readFileSync(backup);
      bytes[bytes.length - 100] = (bytes[bytes.length - 100]! + 1) % 256;
      fs.writeFileSync(damaged, bytes);
      const newer = path.join(base, 'newer.backup');
      const { manifest, payloadAt } = manifestOf(backup);
      const migrations = manifest.migrations as { count: number };
      const bumped = { ...manifest, migrations: { ...migrations, count: migrations.count + 1 } };
      fs.writeFileSync(
        newer,
        Buffer.concat([
          Buffer.from(`CUSTODIAN-BACKUP 1\n${JSON.stringify(bumped)}\n`),
          fs.readFileSync(backup).subarray(payloadAt),
        ]),
      );
      const state = snapshot(dataDir);
      const entries = fs.readdirSync(base).sort();
      const results = await Promise.all(
        [foreign, damaged, newer].map((file) => cli(['restore', file, '--force'], env)),
      );
      const expected = [
        `${foreign} is not a Custodian backup (made with \`custodian backup\`): nothing was changed`,
        `${damaged} is damaged (its data does not match its checksum; truncated or altered): nothing was changed`,
        `The backup comes from a newer Custodian (0.1.0, ${migrations.count + 1} migrations; this version knows ${migrations.count}): upgrade Custodian first. Nothing was changed.`,
      ];
      results.forEach((result, i) => {
        expect(result.code, expected[i]).toBe(1);
        expect(lines(result.stderr)).toEqual([expected[i]]);
        expect(result.stdout).toBe('');
      });
      expect(snapshot(dataDir)).toEqual(state);
      expect(fs.readdirSync(base).sort()).toEqual(entries);
    },
    spawnTimeout,
  );

  it(
    'restore into an empty DATA_DIR: refused without a suppression list; with --suppression the erased are erased again',
    async () => {
      const exportFile = path.join(base, 'suppression.jsonl');
      const exported = await cli(['suppression', 'export', exportFile], env);
      expect(exported.code, exported.stderr).toBe(0);

      const fresh = path.join(base, 'fresh');
      const freshEnv = { DATA_DIR: fresh, CUSTODIAN_KEY_FILE: keyFile };
      const refused = await cli(['restore', backup], freshEnv);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        expect.stringContaining(
          'people erased after the backup was taken would come back. Give --suppression FILE',
        ),
      ]);
      expect(fs.existsSync(fresh)).toBe(false);

      const restored = await cli(['restore', backup, '--suppression', exportFile], freshEnv);
      expect(restored.code, restored.stderr).toBe(0);
      expect(lines(restored.stdout)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^Suppression list: 0 entries from the replaced database, [1-9]\\d* from ${exportFile};`,
            ),
          ),
          '30 contacts checked against the suppression list; 1 erased again.',
        ]),
      );
      expect(restored.stdout).not.toContain('moved to');
      expect(await contactIds(fresh)).toEqual(await contactIds(dataDir));

      // Told explicitly that nobody was erased since, the backup comes back as it was.
      const unchecked = path.join(base, 'unchecked');
      const asItWas = await cli(['restore', backup, '--no-suppression-check'], {
        DATA_DIR: unchecked,
        CUSTODIAN_KEY_FILE: keyFile,
      });
      expect(asItWas.code, asItWas.stderr).toBe(0);
      expect(asItWas.stderr).toContain('people erased after the backup was taken may be back');
      expect(await contactIds(unchecked)).toEqual(before);
    },
    spawnTimeout * 3,
  );

  it(
    'a damaged database: commands say so in one line; restore replaces it once told where the suppression list comes from',
    async () => {
      const exportFile = path.join(base, 'suppression-now.jsonl');
      const exported = await cli(['suppression', 'export', exportFile], env);
      expect(exported.code, exported.stderr).toBe(0);
      const damaged = path.join(base, 'damaged');
      fs.cpSync(dataDir, damaged, { recursive: true });
      fs.rmSync(path.join(damaged, 'global', 'pg_control'));
      const damagedEnv = { DATA_DIR: damaged, CUSTODIAN_KEY_FILE: keyFile };

      const verify = await cli(['audit', 'verify'], damagedEnv);
      expect(verify.code).toBe(1);
      expect(lines(verify.stderr)).toEqual([
        expect.stringContaining(`The embedded database in ${damaged} did not start (`),
      ]);
      expect(verify.stderr).toContain('custodian restore FILE --force');

      // PostgreSQL's own lock file is written by every attempt to start; the rest must stay as it was.
      const files = () => snapshot(damaged).filter((line) => !line.startsWith('postmaster.pid '));
      const untouched = files();
      const refused = await cli(['restore', backup, '--force'], damagedEnv);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        expect.stringContaining('does not start, so its suppression list cannot be carried over'),
      ]);
      expect(files()).toEqual(untouched);

      const restored = await cli(['restore', backup, '--force', '--suppression', exportFile], damagedEnv);
      expect(restored.code, restored.stderr).toBe(0);
      expect(lines(restored.stderr)).toEqual([
        `The database it replaced did not start, so its suppression list could not be read: only ${exportFile} was applied.`,
      ]);
      expect(restored.stdout).toContain(`moved to ${damaged}.before-restore-`);
      expect(restored.stdout).toContain('1 erased again.');
      expect(await contactIds(damaged)).toEqual(await contactIds(dataDir));
    },
    spawnTimeout * 3,
  );
});

describe.runIf(engine === 'postgres')('custodian backup and restore with DATABASE_URL', () => {
  it(
    'point to pg_dump and pg_restore with one line, without echoing the URL',
    async () => {
      const env = { DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/nowhere' };
      const [backedUp, restored] = await Promise.all([
        cli(['backup', path.join(os.tmpdir(), 'never-written.backup')], env),
        cli(['restore', path.join(os.tmpdir(), 'never-read.backup')], env),
      ]);
      for (const result of [backedUp, restored]) {
        expect(result.code).toBe(1);
        expect(lines(result.stderr)).toEqual([expect.stringContaining('pg_dump -Fc')]);
        expect(result.stderr).toContain('pg_restore');
        expect(result.stderr).not.toContain('secret');
      }
      expect(fs.existsSync(path.join(os.tmpdir(), 'never-written.backup'))).toBe(false);
    },
    spawnTimeout,
  );
});
