import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import {
  type CreateUserInput,
  createUserBody,
  type ImportKind,
  type IssuedCertificate,
  type Permission,
  type Role,
  suppressionReasons,
} from '@custodian/contracts';
import { DateTime } from 'luxon';
import { recordAudit, sealAll, verifyAuditChain } from '../modules/audit/index.js';
import { findRequests, getRequest, getRequestHistory } from '../modules/requests/index.js';
import {
  checkMasterKey,
  MasterKeyMismatchError,
  rewrapSubjectKeys,
  subjectKeysFor,
} from '../modules/subjects/index.js';
import {
  type ExportedSuppression,
  exportSuppressionList,
  rehashLegacySuppressions,
  restoreSuppressionEntries,
} from '../modules/suppressions/index.js';
import { createApiToken } from '../modules/tokens/index.js';
import { createUser, findUserByEmail, sealLegacyUserFields } from '../modules/users/index.js';
import { permissionsOf, systemContext } from '../platform/access.js';
import { type Config, ConfigError, loadConfig } from '../platform/config.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import { BackupFileError } from '../platform/db/backup-file.js';
import { type Database, EmbeddedDatabaseStartError } from '../platform/db/database.js';
import { anyCaseUuid } from '../platform/db/ids.js';
import { DataDirInUseError } from '../platform/db/lock.js';
import { migrateDatabase } from '../platform/db/migrate.js';
import { AppError } from '../platform/http/errors.js';
import { createLogger } from '../platform/log.js';
import {
  completeMasterKeyRotation,
  loadExistingMasterKey,
  loadOrCreateMasterKey,
  loadRetiredKeys,
  type MasterKeySource,
  prepareNextMasterKey,
} from '../platform/master-key.js';
import { checkedKeyRing, openConfiguredDatabase, startServer } from '../server.js';
import { backupDatabase } from '../workflows/backup-database.js';
import { eraseSubject } from '../workflows/erase-subject.js';
import { reapplySuppressions } from '../workflows/reapply-suppressions.js';
import { RestoreRefusedError, restoreBackup } from '../workflows/restore-backup.js';
import { previewRetention, runRetentionSweep } from '../workflows/run-retention.js';

/** A failure the user can act on: printed as one line, exit code 1. */
class CliError extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);
// Output piped into a reader that stops early (`| head`): the work is done, only the rest of the report is lost.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const warn = (line: string) => process.stderr.write(`${line}\n`);

async function run(work: () => Promise<number | undefined>): Promise<void> {
  try {
    const code = await work();
    if (code) process.exitCode = code;
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof CliError ||
      err instanceof DataDirInUseError ||
      err instanceof EmbeddedDatabaseStartError ||
      err instanceof MasterKeyMismatchError ||
      err instanceof BackupFileError ||
      err instanceof RestoreRefusedError
    ) {
      warn(err.message);
    } else if (err instanceof AppError) {
      const fields = err.details.map((d) => `${d.field.replace(/^body\./, '')} ${d.issue}`).join('; ');
      warn(fields ? `${err.message}: ${fields}` : err.message);
    } else {
      warn(
        `Failed: ${err instanceof Error ? err.name : 'unknown error'} (run with LOG_LEVEL=debug for details)`,
      );
      if (process.env.LOG_LEVEL === 'debug' && err instanceof Error) warn(err.stack ?? '');
    }
    process.exitCode = 1;
  }
}

/** Opens the configured database with migrations applied, runs `work`, and always closes it. */
async function withDatabase<T>(
  config: Config,
  keyMode: 'create' | 'existing',
  work: (database: Database, keys: KeyRing) => Promise<T>,
): Promise<T> {
  // The database first: if another process holds it, nothing (not even a key file) is created.
  const database = await openConfiguredDatabase(config);
  try {
    const source: MasterKeySource | null =
      keyMode === 'create'
        ? loadOrCreateMasterKey(config, warn)
        : (() => {
            const key = loadExistingMasterKey(config);
            return key ? { key, origin: 'file' } : null;
          })();
    if (!source)
      throw new CliError(`No master key: set CUSTODIAN_MASTER_KEY or provide the key file ${config.keyFile}`);
    return await work(database, await prepareDatabase(config, database, source));
  } finally {
    await database.close();
  }
}

/** What every command does to an open database first: migrations, the master key check, one-off upgrades. */
async function prepareDatabase(
  config: Config,
  database: Database,
  source: MasterKeySource,
): Promise<KeyRing> {
  await migrateDatabase(database);
  const keys = await checkedKeyRing(config, database, source);
  await sealLegacyUserFields(database.db, keys);
  await rehashLegacySuppressions(database.db, indexerFor(keys));
  return keys;
}

export const runServe = () =>
  run(async () => {
    const config = loadConfig();
    const server = await startServer(config, createLogger(config.logLevel));
    const shutdown = () => {
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return undefined;
  });

export const runMigrate = () =>
  run(async () => {
    const config = loadConfig();
    await withDatabase(config, 'create', async (database) => {
      say(`Migrations are current (${database.engine}).`);
    });
    return 0;
  });

async function readPassword(): Promise<string> {
  const fromEnv = process.env.CUSTODIAN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new CliError('Set CUSTODIAN_PASSWORD, or run on a terminal to type the password');
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      muted = false;
      rl.question(q, (answer) => {
        process.stdout.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  try {
    const first = await ask('Password: ');
    const second = await ask('Repeat password: ');
    if (first !== second) throw new CliError('The passwords do not match');
    return first;
  } finally {
    rl.close();
  }
}

export const runUserCreate = (options: { email: string; role: Role; name?: string }) =>
  run(async () => {
    const config = loadConfig();
    const password = await readPassword();
    const parsed = createUserBody.safeParse({
      email: options.email,
      role: options.role,
      name: options.name ?? options.email.split('@')[0],
      password,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(
        `The ${String(issue?.path[0] ?? 'input')} is invalid: ${issue?.message ?? 'invalid'}`,
      );
    }
    const input: CreateUserInput = parsed.data;
    await withDatabase(config, 'create', async (database, keys) => {
      const user = await createUser({ db: database.db, keys, ctx: systemContext('cli'), input });
      say(`Created ${user.role} ${user.id}`);
    });
    return 0;
  });

export const runTokenCreate = (options: { email: string; name: string; scopes?: string[]; days: number }) =>
  run(async () => {
    const config = loadConfig();
    await withDatabase(config, 'existing', async (database, keys) => {
      const owner = await findUserByEmail(database.db, keys, options.email);
      if (owner?.status !== 'active') throw new CliError('No active user has that e-mail address');
      const scopes = (options.scopes ?? [...permissionsOf(owner.role as Role)]) as Permission[];
      const { token, secret } = await createApiToken({
        db: database.db,
        keys,
        ctx: systemContext('cli'),
        input: { name: options.name, scopes, expiresInDays: options.days, userId: owner.id },
      });
      warn(
        `Token ${token.id} expires ${token.expiresAt}; scopes: ${token.scopes.join(' ')}. It is shown only now:`,
      );
      say(secret);
    });
    return 0;
  });

export const runDemo = (options: { contacts: number; seed: number; force?: boolean }) =>
  run(async () => {
    const config = loadConfig();
    // Faker is large: only this command loads it.
    const { seedDemo } = await import('../workflows/seed-demo.js');
    await withDatabase(config, 'create', async (database, keys) => {
      const summary = await seedDemo({
        db: database.db,
        keys,
        subjects: subjectKeysFor(keys),
        indexer: indexerFor(keys),
        seed: options.seed,
        contacts: options.contacts,
        force: options.force === true,
      }).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'conflict')
          throw new CliError(
            'The CRM already holds contacts: the demo goes only into an empty workspace (add --force to add it anyway)',
          );
        throw err;
      });
      say(
        `Seeded ${summary.contacts} contacts, ${summary.companies} companies, ${summary.deals} deals, ` +
          `${summary.activities} activities and ${summary.tasks} tasks (seed ${summary.seed}).`,
      );
    });
    return 0;
  });

export const runAuditVerify = () =>
  run(async () => {
    const config = loadConfig();
    return withDatabase(config, 'existing', async (database, keys) => {
      await sealAll(database.db, keys);
      const status = await verifyAuditChain(database.db, keys);
      if (status.intact) {
        say(`Audit chain intact: ${status.sealed} entries verified, ${status.unsealed} not sealed yet.`);
        if (status.prunedThrough)
          say(
            `Entries up to position ${status.prunedThrough.seq} (recorded until ${status.prunedThrough.at}) were pruned by retention; the chain verifies from the signed checkpoint there.`,
          );
        // Entries removed after the head leave no trace inside the database: keep this line elsewhere.
        if (status.head) say(`Head: position ${status.head.seq}, hash ${status.head.hash}`);
        return 0;
      }
      const broken = status.firstBroken!;
      say(
        `Audit chain BROKEN at entry ${broken.id}${broken.seq ? ` (position ${broken.seq})` : ''}: ${broken.reason}.`,
      );
      say(`${status.sealed} entries before it verified.`);
      return 1;
    });
  });

export const runKeysRotate = () =>
  run(async () => {
    const config = loadConfig();
    if (config.masterKey) {
      throw new CliError(
        'The master key comes from CUSTODIAN_MASTER_KEY: rotate with a key file (CUSTODIAN_KEY_FILE), or move your key into one first',
      );
    }
    return withDatabase(config, 'existing', async (database, currentRing) => {
      const current = loadExistingMasterKey(config);
      if (!current) throw new CliError(`No master key file at ${config.keyFile}`);
      const next = prepareNextMasterKey(config);
      const ring = new KeyRing(next, [current, ...loadRetiredKeys(config)]);
      const rewrapped = await rewrapSubjectKeys(database.db, ring);
      completeMasterKeyRotation(config, current, currentRing.masterKeyId);
      // The database now names the new key: a server still holding only the old one is refused at start.
      await checkMasterKey(database.db, ring);
      await recordAudit(database.db, ring, systemContext('cli'), {
        action: 'keys.rotate',
        entityType: 'master_key',
        entityId: ring.masterKeyId,
      });
      say(
        `Master key rotated: ${currentRing.masterKeyId} -> ${ring.masterKeyId}; ${rewrapped} data keys re-wrapped.`,
      );
      warn(
        `The old key is kept in ${config.keyFile.replace(/[^/]+$/, '')}retired/ to verify older audit entries.`,
      );
      warn('Back up the new key file now, apart from the data.');
      return 0;
    });
  });

/** A progress bar on a terminal, one line per 10% otherwise (logs of non-interactive runs stay short). */
function progressReporter(total: number): (done: number) => void {
  let lastTenth = -1;
  return (done) => {
    const share = total === 0 ? 1 : done / total;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows${done === total ? '\n' : ''}`,
      );
    } else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      warn(`${done}/${total} rows`);
    }
  };
}

/** Imports a CSV file of contacts, activities or consent history, as POST /api/v1/imports does, then runs it here. */
const runImportFile = (
  kind: ImportKind,
  file: string,
  options: {
    map: string[];
    source: string;
    lawfulBasis?: string;
    onDuplicate?: 'update' | 'skip';
    dryRun?: boolean;
  },
) =>
  run(async () => {
    const config = loadConfig();
    const mapping: Record<string, string> = {};
    for (const pair of options.map) {
      const at = pair.lastIndexOf('=');
      if (at <= 0) throw new CliError('--map takes column=field, e.g. --map "E-Mail=email"');
      mapping[pair.slice(0, at)] = pair.slice(at + 1);
    }
    if (!fs.existsSync(file)) throw new CliError('The file does not exist');
    const [{ receiveImport }, { runImport }] = await Promise.all([
      import('../modules/imports/index.js'),
      import('../workflows/run-import.js'),
    ]);
    return withDatabase(config, 'existing', async (database, keys) => {
      const deps = { db: database.db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
      const fields: Record<string, string> = {
        kind,
        mapping: JSON.stringify(mapping),
        source: options.source,
        dryRun: options.dryRun ? 'true' : 'false',
        ...(options.lawfulBasis ? { lawfulBasis: options.lawfulBasis } : {}),
        ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
      };
      async function* parts() {
        for (const [fieldname, value] of Object.entries(fields))
          yield { type: 'field' as const, fieldname, value };
        yield { type: 'file' as const, fieldname: 'file', file: fs.createReadStream(file) };
      }
      const queued = await receiveImport({
        ...deps,
        ctx: systemContext('cli'),
        parts: parts(),
        enqueue: async () => {},
      });
      const report = progressReporter(queued.totalRows);
      const result = await runImport({
        ...deps,
        importId: queued.id,
        onProgress: (row) => report(row.rowsDone),
      });
      if (!result) throw new CliError('The import disappeared while it ran');
      if (queued.totalRows === 0) report(0);
      for (const e of result.errors) warn(`row ${e.row}, column ${e.field}: ${e.issue}`);
      if (result.failed > result.errors.length)
        warn(`… and ${result.failed - result.errors.length} more bad rows`);
      const counts =
        kind === 'contacts'
          ? `${result.created} created, ${result.updated} updated, ${result.skipped} skipped as duplicates`
          : `${result.created} ${kind === 'activities' ? 'activities' : 'consent events'} added, ${result.skipped} skipped as already recorded`;
      say(
        `${result.dryRun ? 'Dry run: would have imported' : 'Imported'} ${result.rowsDone} rows: ` +
          `${counts}, ${result.failed} refused (import ${result.id}).`,
      );
      return result.failed > 0 ? 2 : 0;
    });
  });

export const runImportContacts = (
  file: string,
  options: {
    map: string[];
    source: string;
    lawfulBasis: string;
    onDuplicate: 'update' | 'skip';
    dryRun?: boolean;
  },
) => runImportFile('contacts', file, options);

export const runImportActivities = (
  file: string,
  options: { map: string[]; source: string; dryRun?: boolean },
) => runImportFile('activities', file, options);

export const runImportConsents = (
  file: string,
  options: { map: string[]; source: string; dryRun?: boolean },
) => runImportFile('consents', file, options);

const requestDeps = (config: Config, database: Database, keys: KeyRing) => ({
  db: database.db,
  keys,
  subjects: subjectKeysFor(keys),
  indexer: indexerFor(keys),
  settings: config,
});

/** A deadline as the controller reads it: in TIME_ZONE. */
const localTime = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm');

export const runRequestsList = (options: { status: string; limit: number }) =>
  run(async () => {
    const config = loadConfig();
    return withDatabase(config, 'existing', async (database, keys) => {
      const { items } = await findRequests({
        ...requestDeps(config, database, keys),
        ctx: systemContext('cli'),
        query: {
          status: options.status === 'all' ? undefined : options.status,
          limit: Math.min(options.limit, 200),
        },
      });
      if (items.length === 0) {
        say('No requests.');
        return 0;
      }
      say(`Due (${config.timeZone})   Flag      Status       Type                  Regime  Id`);
      for (const r of items)
        say(
          [
            localTime(r.dueAt, config.timeZone).padEnd(17),
            (r.overdue ? 'OVERDUE' : r.dueSoon ? 'due soon' : '').padEnd(9),
            r.status.padEnd(12),
            r.type.padEnd(21),
            r.regime.padEnd(7),
            r.id,
          ].join(' '),
        );
      return 0;
    });
  });

export const runRequestsShow = (id: string) =>
  run(async () => {
    const config = loadConfig();
    if (!anyCaseUuid.test(id)) throw new CliError('That is not a request id (a UUID)');
    return withDatabase(config, 'existing', async (database, keys) => {
      const deps = { ...requestDeps(config, database, keys), ctx: systemContext('cli'), id };
      const r = await getRequest(deps);
      const { items } = await getRequestHistory(deps);
      const zone = config.timeZone;
      say(`Request ${r.id}: ${r.type} (${r.regime.toUpperCase()}), ${r.status}`);
      say(
        `Received ${localTime(r.receivedAt, zone)}, due ${localTime(r.dueAt, zone)} ${zone}${r.overdue ? ' (OVERDUE)' : ''}`,
      );
      if (r.extendedAt) say(`Extended: ${r.extensionReason}`);
      if (r.acknowledgeBy)
        say(`Acknowledge by ${localTime(r.acknowledgeBy, zone)}: ${r.acknowledgedAt ? 'done' : 'not yet'}`);
      say(`Requester: ${r.requester.name ?? '(no name)'} <${r.requester.email ?? 'no e-mail'}>`);
      say(`Contact: ${r.contactId ?? 'not linked'}${r.duplicateOf ? `; duplicate of ${r.duplicateOf}` : ''}`);
      say(`Verified: ${r.verifiedAt ? `${r.verificationMethod} on ${localTime(r.verifiedAt, zone)}` : 'no'}`);
      if (r.rejectionReason) say(`Rejected: ${r.rejectionReason}`);
      say('History:');
      for (const e of items)
        say(
          `  ${localTime(e.at, zone)}  ${e.action.padEnd(11)} ${e.toStatus ?? ''}${e.note ? `  "${e.note}"` : ''}`,
        );
      return 0;
    });
  });

function printCertificate(issued: IssuedCertificate): void {
  const c = issued.certificate;
  say(`Erased (${c.outcome.replaceAll('_', ' ')}). Certificate ${c.certificateId}`);
  say(`  sha256 ${issued.sha256}, recorded in audit entry ${issued.auditEntryId}`);
  for (const t of c.tables) say(`  ${t.table}: ${t.rows} ${t.action}`);
  say(`  keys destroyed: ${c.keysDestroyed}; suppression entries: ${c.suppressionEntries}`);
  for (const k of c.kept) say(`  kept ${k.what} (${k.fields.join(', ')}): ${k.why}`);
  say(
    `  verification: ${c.verification.columnsScanned} columns in ${c.verification.tablesScanned} tables scanned${c.verification.columnsProved === undefined ? '' : `, ${c.verification.columnsProved} proved by the schema`}, ${c.verification.hits} hits`,
  );
}

export const runErase = (options: { subject: string; reason: string; json?: boolean }) =>
  run(async () => {
    const config = loadConfig();
    if (!anyCaseUuid.test(options.subject)) throw new CliError('--subject must be a contact id (a UUID)');
    const reason = options.reason.trim();
    if (reason.length === 0 || reason.length > 500)
      throw new CliError('--reason must be 1 to 500 characters');
    return withDatabase(config, 'existing', async (database, keys) => {
      const issued = await eraseSubject({
        ...requestDeps(config, database, keys),
        ctx: systemContext('cli'),
        input: { contactId: options.subject, reason, requestId: null },
      });
      if (options.json) say(issued.document);
      else printCertificate(issued);
      return 0;
    });
  });

export const runSuppressionExport = (file: string) =>
  run(async () => {
    const config = loadConfig();
    return withDatabase(config, 'existing', async (database, keys) => {
      const entries = await exportSuppressionList(database.db);
      fs.writeFileSync(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
      await recordAudit(database.db, keys, systemContext('cli'), {
        action: 'suppression.export',
        entityType: 'suppression',
      });
      say(`${entries.length} entries written to ${file} (keyed hashes only; keep it with your backups).`);
      return 0;
    });
  });

function readExport(file: string): ExportedSuppression[] {
  if (!fs.existsSync(file)) throw new CliError(`No such file: ${file}`);
  const out: ExportedSuppression[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: Partial<ExportedSuppression>;
      try {
        entry = JSON.parse(line) as Partial<ExportedSuppression>;
      } catch {
        throw new CliError(`Line ${i + 1} of ${file} is not JSON`);
      }
      if (
        (entry.kind !== 'email' && entry.kind !== 'phone') ||
        typeof entry.token !== 'string' ||
        !entry.token.startsWith('h1:') ||
        !suppressionReasons.includes(entry.reason as never) ||
        typeof entry.createdAt !== 'string' ||
        Number.isNaN(Date.parse(entry.createdAt))
      )
        throw new CliError(`Line ${i + 1} of ${file} is not a suppression entry`);
      out.push({
        kind: entry.kind,
        token: entry.token,
        reason: entry.reason!,
        requestId:
          typeof entry.requestId === 'string' && anyCaseUuid.test(entry.requestId) ? entry.requestId : null,
        createdAt: entry.createdAt,
      });
    });
  return out;
}

export const runSuppressionReapply = (options: { from?: string; dryRun?: boolean }) =>
  run(async () => {
    const config = loadConfig();
    const restored = options.from ? readExport(options.from) : [];
    return withDatabase(config, 'existing', async (database, keys) => {
      const ctx = systemContext('cli');
      if (restored.length > 0 && !options.dryRun) {
        const added = await restoreSuppressionEntries(database.db, restored);
        await recordAudit(database.db, keys, ctx, {
          action: 'suppression.restore',
          entityType: 'suppression',
        });
        say(`${added} entries restored to the suppression list from ${options.from}.`);
      }
      const report = await reapplySuppressions({
        ...requestDeps(config, database, keys),
        ctx,
        dryRun: options.dryRun,
        extra: options.dryRun ? restored : [],
      });
      say(`${report.contactsChecked} contacts checked against the suppression list.`);
      if (options.dryRun) say(`${report.toErase} would be erased again (dry run: nothing changed).`);
      else {
        say(`${report.erased.length} erased again.`);
        for (const issued of report.erased) printCertificate(issued);
      }
      if (report.listedNotErased > 0)
        say(`${report.listedNotErased} listed for an objection or "do not contact" only: kept, review them.`);
      return 0;
    });
  });

export const runRetention = (options: { dryRun?: boolean; json?: boolean; batchSize?: number }) =>
  run(async () => {
    const config = loadConfig();
    return withDatabase(config, 'existing', async (database, keys) => {
      const deps = { ...requestDeps(config, database, keys), ctx: systemContext('cli') };
      if (options.dryRun) {
        const preview = await previewRetention(deps, { limit: options.json ? 10_000 : 0 });
        if (options.json) {
          say(JSON.stringify(preview, null, 2));
          return 0;
        }
        say(`Retention as of ${preview.asOf} (dry run: nothing changed)`);
        for (const p of preview.policies) {
          say(`  ${p.name} [${p.policyId}]: ${p.action.replace('_', ' ')} ${p.due} ${p.target}(s)`);
          say(
            `    held ${p.held}, exempt ${p.exempt}${p.oldestTriggeredAt ? `, oldest ${p.trigger.replace('_', ' ')} ${p.oldestTriggeredAt}` : ''}`,
          );
          if (p.categories.length > 0)
            say(
              `    data that would go: ${p.categories.map((c) => `${c.category} (${c.records})`).join(', ')}`,
            );
        }
        return 0;
      }
      const result = await runRetentionSweep(
        { ...deps, database },
        {
          origin: 'cli',
          batchSize: options.batchSize ?? config.retention.batchSize,
          onBatch: (b) => {
            if (!options.json)
              say(
                `  batch ${b.batch}: policy ${b.policyId}: ${b.done} done${b.failed ? `, ${b.failed} failed` : ''}`,
              );
          },
        },
      );
      if (!result) throw new CliError('Another retention sweep is running; try again when it has finished');
      if (options.json) {
        say(JSON.stringify(result, null, 2));
        return 0;
      }
      say(
        `Retention sweep ${result.id} ${result.status} in ${result.batches} batch(es), as of ${result.asOf}`,
      );
      for (const p of result.policies)
        say(`  policy ${p.policyId}: ${p.done} done, ${p.held} held, ${p.exempt} exempt, ${p.failed} failed`);
      return result.policies.some((p) => p.failed > 0) ? 1 : 0;
    });
  });

const postgresBackup =
  'With DATABASE_URL, use PostgreSQL’s own tools: pg_dump -Fc -f FILE "$DATABASE_URL" to back up; to restore, see "Backup and restore" in README.md (pg_restore, then `custodian suppression reapply`)';

const isInside = (file: string, dir: string) => {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

export const runBackup = (file: string) =>
  run(async () => {
    const config = loadConfig();
    if (config.databaseUrl) throw new CliError(postgresBackup);
    if (!fs.existsSync(path.join(config.dataDir, 'PG_VERSION')))
      throw new CliError(`There is no embedded database in ${config.dataDir} (DATA_DIR) to back up`);
    if (isInside(file, config.dataDir) || isInside(file, path.dirname(config.keyFile)))
      throw new CliError('Write the backup outside DATA_DIR and the key folder');
    if (!fs.existsSync(path.dirname(path.resolve(file))))
      throw new CliError(`The folder ${path.dirname(path.resolve(file))} does not exist`);
    // The database is opened as by every command: refused, with one line, while the server holds it.
    return withDatabase(config, 'existing', async (database, keys) => {
      const started = performance.now();
      const manifest = await backupDatabase({ database, keys, file });
      await recordAudit(database.db, keys, systemContext('cli'), {
        action: 'backup.create',
        entityType: 'backup',
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      say(
        `Backup written to ${file} in ${seconds} s: ${(manifest.payload.bytes / 1e6).toFixed(1)} MB, ` +
          `${manifest.counts.contacts} contacts, ${manifest.migrations.count} migrations, master key ${manifest.masterKeyId}.`,
      );
      warn(
        'The master key is not in the backup, and a restore needs it: keep a copy of it apart from the backups.',
      );
      return 0;
    });
  });

export const runRestore = (
  file: string,
  options: { force?: boolean; suppression?: string; suppressionCheck: boolean },
) =>
  run(async () => {
    const config = loadConfig();
    if (config.databaseUrl) throw new CliError(postgresBackup);
    const key = loadExistingMasterKey(config);
    if (!key)
      throw new CliError(
        `No master key: set CUSTODIAN_MASTER_KEY or provide the key file ${config.keyFile} (the key the backup was made under)`,
      );
    const source: MasterKeySource = { key, origin: config.masterKey ? 'environment' : 'file' };
    const fromExport = options.suppression ? readExport(options.suppression) : null;
    const report = await restoreBackup({
      dataDir: config.dataDir,
      file,
      keys: new KeyRing(key, loadRetiredKeys(config)),
      suppressionExport: fromExport,
      suppressionCheck: options.suppressionCheck,
      force: options.force === true,
      prepare: (database) => prepareDatabase(config, database, source),
      ctx: systemContext('cli'),
    });
    const m = report.manifest;
    say(
      `Restored the backup of ${m.createdAt} (Custodian ${m.custodianVersion}, ${m.counts.contacts} contacts) into ${config.dataDir}.`,
    );
    if (report.movedAside)
      say(
        `The database it replaced was moved to ${report.movedAside}; delete it once you are satisfied (it holds personal data).`,
      );
    if (m.migrations.count < report.migrationsAfter)
      say(`Migrated from ${m.migrations.count} to ${report.migrationsAfter} migrations.`);
    const s = report.suppression;
    say(
      `Suppression list: ${s.fromReplaced} entries from the replaced database${options.suppression ? `, ${s.fromExport} from ${options.suppression}` : ''}; ${s.added} added to the restored list.`,
    );
    if (s.replacedUnreadable)
      warn(
        `The database it replaced did not start, so its suppression list could not be read${fromExport ? `: only ${options.suppression} was applied` : ''}.`,
      );
    if ((!report.movedAside || s.replacedUnreadable) && !fromExport)
      warn(
        'No suppression list was carried over (--no-suppression-check): people erased after the backup was taken may be back. Run `custodian suppression reapply --from FILE` with an export as soon as you have one.',
      );
    const r = report.reapply;
    say(
      `${r.contactsChecked} contacts checked against the suppression list; ${r.erased.length} erased again.`,
    );
    for (const issued of r.erased) printCertificate(issued);
    if (r.listedNotErased > 0)
      say(`${r.listedNotErased} listed for an objection or "do not contact" only: kept, review them.`);
    return 0;
  });
