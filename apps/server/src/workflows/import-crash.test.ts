import { randomBytes } from 'node:crypto';
import type { Import } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactRows, openContacts } from '../modules/contacts/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import { queryRows } from '../platform/db/database.js';
import { multipart } from '../test/multipart.js';
import {
  crashSeed,
  createAdminWithCli,
  type ProcessWorld,
  processWorld,
  runCli,
  seededRandom,
  signIn,
  startServerProcess,
} from '../test/processes.js';
import { runImport } from './run-import.js';

/**
 * CSV imports through the real server, killed with SIGKILL at 20 points while they run (each restart resumes
 * the import, each kill comes at a random moment after a random share of the rows is in), then left to finish:
 * every row imported exactly once, no half-written contact, no orphaned key, each job's end recorded once,
 * each uploaded file destroyed, and the audit chain intact. On the embedded database and on PostgreSQL.
 */
const rowsPerFile = 6000;
const killPoints = 20;
const masterKey = randomBytes(32);
const keys = new KeyRing(masterKey);
const password = `Pw-${randomBytes(9).toString('base64url')}`;
const email = 'importer@crash.example';
const liveKeys = sql`select count(*)::int as n from data_subjects where wrapped_key is not null`;

let world: ProcessWorld;
let env: NodeJS.ProcessEnv;
const open = () => world.open();
beforeAll(async () => {
  world = await processWorld('import-crash', masterKey, { RETENTION_SCHEDULE: 'off' });
  env = world.env;
  await createAdminWithCli(world, email, password);
}, 120_000);
afterAll(() => world?.close());

describe('contact imports, killed 20 times', () => {
  it('import every row exactly once and leave nothing half-written', async () => {
    const random = seededRandom(crashSeed(7));
    let server = await startServerProcess(env);
    const session = await signIn(server, email, password);
    await server.kill();
    const subjectsBefore = await (async () => {
      const database = await open();
      try {
        return (await queryRows<{ n: number }>(database.db, liveKeys))[0]!.n;
      } finally {
        await database.close();
      }
    })();
    server = await startServerProcess(env);

    const files: { id: string; addresses: string[] }[] = [];
    const upload = async () => {
      const n = files.length;
      const addresses = Array.from({ length: rowsPerFile }, (_, i) => `crash-${n}-${i}@import.example`);
      const csv = `Vorname,Nachname,E-Mail\n${addresses.map((a, i) => `Zoë${i},Kraß${i},${a}`).join('\n')}\n`;
      const { payload, headers } = multipart(
        {
          mapping: JSON.stringify({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email' }),
          source: 'Crash test',
          lawfulBasis: 'legitimate_interests',
        },
        csv,
      );
      const res = await fetch(`${server.url}/api/v1/imports`, {
        method: 'POST',
        headers: { ...headers, cookie: session.cookie, 'x-csrf-token': session.csrf },
        body: payload,
      });
      expect(res.status).toBe(202);
      files.push({ id: ((await res.json()) as Import).id, addresses });
    };
    const status = async (id: string) =>
      (await (
        await fetch(`${server.url}/api/v1/imports/${id}`, { headers: { cookie: session.cookie } })
      ).json()) as Import;

    // Each kill comes once a random share of the current file is in, after a further random pause. A file
    // finished between kills is followed by the next, so the 20 kills land during imports however fast the
    // machine is.
    const landed: { file: number; rowsDone: number; status: string }[] = [];
    await upload();
    while (landed.length < killPoints) {
      const current = files[files.length - 1]!;
      const threshold = Math.floor(random() * rowsPerFile * 0.9);
      let seen = await status(current.id);
      while (seen.status !== 'completed' && seen.rowsDone < threshold) {
        await new Promise((r) => setTimeout(r, 25));
        seen = await status(current.id);
      }
      if (seen.status === 'completed') {
        await upload();
        continue;
      }
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      seen = await status(current.id);
      await server.kill();
      if (seen.status !== 'completed')
        landed.push({ file: files.length - 1, rowsDone: seen.rowsDone, status: seen.status });
      server = await startServerProcess(env);
      if (seen.status === 'completed') await upload();
    }
    console.table(landed);
    // Kills landed with imports at several stages, not all before they began.
    expect(new Set(landed.map((l) => l.rowsDone)).size).toBeGreaterThan(1);

    const finals: Import[] = [];
    for (const file of files) {
      let final = await status(file.id);
      while (final.status !== 'completed' && final.status !== 'failed') {
        await new Promise((r) => setTimeout(r, 100));
        final = await status(file.id);
      }
      finals.push(final);
    }
    await server.stop();
    for (const final of finals) {
      expect(final).toMatchObject({
        status: 'completed',
        totalRows: rowsPerFile,
        rowsDone: rowsPerFile,
        created: rowsPerFile,
      });
      expect(final.failed + final.skipped + final.updated).toBe(0);
    }

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    const database = await open();
    try {
      const { db } = database;
      const deps = { db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
      for (const file of files) {
        const ids = await queryRows<{ id: string }>(
          db,
          sql`select id from contacts where import_id = ${file.id}`,
        );
        expect(ids).toHaveLength(rowsPerFile);
        // Every contact opens whole, each address once: no row twice, none missing, none half-written.
        const opened = await openContacts(
          db,
          deps,
          await findContactRows(
            db,
            ids.map((r) => r.id),
          ),
        );
        const seen = opened.map((c) => c.personal.emails[0]?.value);
        expect([...seen].sort()).toEqual([...file.addresses].sort());
        expect(
          opened.every(
            (c) => c.personal.firstName?.startsWith('Zoë') && c.personal.lastName?.startsWith('Kraß'),
          ),
        ).toBe(true);
        const [complete] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from audit_entries where action = 'import.complete' and entity_id = ${file.id}`,
        );
        expect(complete!.n).toBe(1);
        // The uploaded file is destroyed, and its key with it.
        const [chunks] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from import_chunks where import_id = ${file.id}`,
        );
        expect(chunks!.n).toBe(0);
      }
      // One live data key per contact: a batch cut off left no key behind, each file's key is destroyed.
      const [subjects] = await queryRows<{ n: number }>(db, liveKeys);
      expect(subjects!.n - subjectsBefore).toBe(rowsPerFile * files.length);
      // A job for an import that a killed process left behind, run late, changes nothing.
      await runImport({ ...deps, importId: files[0]!.id });
      const [after] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from contacts where import_id = ${files[0]!.id}`,
      );
      expect(after!.n).toBe(rowsPerFile);
    } finally {
      await database.close();
    }
  }, 1_200_000);
});
