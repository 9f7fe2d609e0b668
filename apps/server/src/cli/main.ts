import {
  activityImportFields,
  consentImportFields,
  importableFields,
  lawfulBases,
  permissions,
  requestStatuses,
  roles,
} from '@custodian/contracts';
import { Command, InvalidArgumentError } from 'commander';
import {
  runAuditVerify,
  runBackup,
  runDemo,
  runErase,
  runImportActivities,
  runImportConsents,
  runImportContacts,
  runKeysRotate,
  runMigrate,
  runRequestsList,
  runRequestsShow,
  runRestore,
  runRetention,
  runServe,
  runSuppressionExport,
  runSuppressionReapply,
  runTokenCreate,
  runUserCreate,
} from './commands.js';

const program = new Command()
  .name('custodian')
  .description(
    'Custodian: a CRM with data protection built in. Reads the same environment variables as the server\n' +
      '(DATA_DIR, DATABASE_URL, CUSTODIAN_MASTER_KEY, ...); see README.md.',
  )
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${what} must be one of: ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a whole number');
  return n;
}

program
  .command('serve')
  .description('Apply pending migrations and serve the API and web app')
  .action(runServe);

program
  .command('migrate')
  .description('Apply pending database migrations (a no-op when current)')
  .action(runMigrate);

const user = program.command('user').description('Manage staff users');
user
  .command('create')
  .description('Create a user. The password comes from CUSTODIAN_PASSWORD, or is asked for on a terminal.')
  .requiredOption('--email <email>', 'e-mail address to sign in with')
  .requiredOption('--role <role>', `one of ${roles.join(', ')}`, oneOf(roles, 'role'))
  .option('--name <name>', 'display name (defaults to the part of the e-mail before @)')
  .action(runUserCreate);

const token = program.command('token').description('Manage API tokens');
token
  .command('create')
  .description('Create an API token for a user and print it once')
  .requiredOption('--email <email>', 'the user the token acts for')
  .requiredOption('--name <name>', 'what the token is for, e.g. "billing sync"')
  .option(
    '--scopes <scopes...>',
    `permissions (default: all the user's role grants); any of ${permissions.join(', ')}`,
  )
  .option('--days <days>', 'days until it expires (default 90, at most 730)', positiveInt, 90)
  .action(runTokenCreate);

const keys = program.command('keys').description('The master key');
keys
  .command('rotate')
  .description(
    'Generate a new master key, re-wrap every per-person data key under it (the data itself is not touched), and retire the old key beside the key file. Resumable if interrupted.',
  )
  .action(runKeysRotate);

program
  .command('demo')
  .description(
    'Seed a demo workspace: made-up contacts, companies, deals, activities and tasks, written like real data (encrypted, audited). Refused when the CRM already holds contacts, unless --force. The same seed gives the same people.',
  )
  .option(
    '--contacts <n>',
    'how many contacts (at most 10000); companies, deals, activities and tasks scale with it',
    positiveInt,
    300,
  )
  .option('--seed <n>', 'the random seed', wholeNumber, 42)
  .option('--force', 'add demo data even to a CRM that already holds contacts')
  .action(runDemo);

const importCommand = program.command('import').description('Import data from files');
importCommand
  .command('contacts')
  .description(
    'Import contacts from a CSV file with a header row. Rows are checked, deduplicated by e-mail and written in batches of 500; bad rows are listed by row number and column. Needs the embedded database to itself (stop the server), or DATABASE_URL.',
  )
  .argument('<file>', 'the CSV file (UTF-8)')
  .requiredOption(
    '--map <column=field...>',
    `CSV column = contact field, repeatable; fields: ${importableFields.join(', ')}`,
  )
  .requiredOption('--source <text>', 'where the list came from, kept as the people’s provenance')
  .requiredOption(
    '--lawful-basis <basis>',
    `one of ${lawfulBases.join(', ')}`,
    oneOf(lawfulBases, 'lawful basis'),
  )
  .option(
    '--on-duplicate <action>',
    'update or skip a row whose e-mail is known',
    oneOf(['update', 'skip'] as const, 'on-duplicate'),
    'skip',
  )
  .option('--dry-run', 'check every row and report, changing nothing')
  .action(runImportContacts);
importCommand
  .command('activities')
  .description(
    'Import activities (notes, calls, meetings, e-mails) from a CSV file with a header row. Each row names its people by e-mail (one or two columns), matched to contacts already in the CRM; a row naming nobody known is refused. Activities already here (same type, moment and person) are skipped. Needs the embedded database to itself (stop the server), or DATABASE_URL.',
  )
  .argument('<file>', 'the CSV file (UTF-8)')
  .requiredOption(
    '--map <column=field...>',
    `CSV column = activity field, repeatable; fields: ${activityImportFields.join(', ')} (type, occurredAt and email required)`,
  )
  .requiredOption('--source <text>', 'where the records came from (the previous CRM)')
  .option('--dry-run', 'check every row and report, changing nothing')
  .action(runImportActivities);
importCommand
  .command('consents')
  .description(
    'Import consent history (given, refused, withdrawn) from a previous system: a CSV file with a header row, one event per row, of people already in the CRM (by e-mail). Events keep their original date and method; a given or refused one names a notice (noticeId, or noticeKey and noticeVersion) covering the purpose, in its language, and in use then (publish the old text with shownSince first). Needs the embedded database to itself (stop the server), or DATABASE_URL.',
  )
  .argument('<file>', 'the CSV file (UTF-8)')
  .requiredOption(
    '--map <column=field...>',
    `CSV column = consent field, repeatable; fields: ${consentImportFields.join(', ')} (email, purpose, kind and occurredAt required)`,
  )
  .requiredOption('--source <text>', 'the previous system, named in every imported event’s proof')
  .option('--dry-run', 'check every row and report, changing nothing')
  .action(runImportConsents);

const requests = program.command('requests').description('Data-subject requests');
requests
  .command('list')
  .description('Requests soonest due first, with their deadlines in TIME_ZONE and overdue or due-soon flags')
  .option(
    '--status <status>',
    `open (default), all, or one of ${requestStatuses.join(', ')}`,
    oneOf(['open', 'all', ...requestStatuses] as const, 'status'),
    'open',
  )
  .option('--limit <n>', 'at most this many (default 50, at most 200)', positiveInt, 50)
  .action(runRequestsList);
requests
  .command('show')
  .description('One request: deadlines, requester, verification and every step taken')
  .argument('<id>', 'the request id')
  .action(runRequestsShow);

program
  .command('erase')
  .description(
    'Erase a person with the erasure workflow: legal holds respected, records deleted, keys shredded, suppression entry added, nothing left verified, certificate issued (recorded in the audit chain). Needs the embedded database to itself (stop the server), or DATABASE_URL.',
  )
  .requiredOption('--subject <contact-id>', 'the contact to erase')
  .requiredOption('--reason <text>', 'why: a ticket or decision reference (no personal data)')
  .option('--json', 'print the certificate document itself')
  .action(runErase);

const suppression = program.command('suppression').description('The suppression list (keyed hashes only)');
suppression
  .command('export')
  .description(
    'Write the list to a file (JSON lines of keyed hashes); keep it with, but apart from, your backups',
  )
  .argument('<file>', 'where to write')
  .action(runSuppressionExport);
suppression
  .command('reapply')
  .description(
    'After restoring a backup: add the entries of an export the database lacks, then erase again everyone on the list for an erasure who came back',
  )
  .option('--from <file>', 'an export made with `custodian suppression export`')
  .option('--dry-run', 'report who would be erased, changing nothing')
  .action(runSuppressionReapply);

program
  .command('backup')
  .description(
    'Write a consistent backup of the embedded database to a file (mode 0600), with a manifest naming the master key by its id: the key itself is never in it. Needs the embedded database to itself (stop the server). With DATABASE_URL, use pg_dump (see README.md).',
  )
  .argument('<file>', 'where to write (outside DATA_DIR)')
  .action(runBackup);

program
  .command('restore')
  .description(
    'Restore a backup made with `custodian backup` into DATA_DIR, with the master key it was made under. The database it replaces is moved aside, never deleted; its suppression list (and that of --suppression) is carried over and everyone erased since the backup is erased again. Needs the server stopped. With DATABASE_URL, use pg_restore (see README.md).',
  )
  .argument('<file>', 'the backup file')
  .option('--force', 'replace the database in DATA_DIR (it is moved aside to DATA_DIR.before-restore-<time>)')
  .option(
    '--suppression <file>',
    'an export made with `custodian suppression export`, when the database being replaced is lost',
  )
  .option(
    '--no-suppression-check',
    'restore into an empty DATA_DIR with no export: people erased after the backup may come back',
  )
  .action(runRestore);

const retention = program.command('retention').description('Retention policies and the sweep');
retention
  .command('run')
  .description(
    'Apply the enabled retention policies now, in batches (erasures through the erasure workflow); resumes a sweep cut off by a crash. Exit 1 if a record failed. Needs the embedded database to itself (stop the server), or DATABASE_URL.',
  )
  .option(
    '--dry-run',
    'show per policy what would go and why (due, held, exempt, oldest trigger, data categories), changing nothing',
  )
  .option('--json', 'print JSON: the preview with its records (dry run, up to 10,000), or the run')
  .option('--batch-size <n>', 'records per transaction (default RETENTION_BATCH_SIZE)', positiveInt)
  .action(runRetention);

const audit = program.command('audit').description('The audit trail');
audit
  .command('verify')
  .description(
    'Seal pending entries, then verify the whole chain. Exit 0 if intact, 1 naming the first broken entry.',
  )
  .action(runAuditVerify);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string; exitCode?: number }).exitCode;
  if (typeof code === 'number') process.exit(code);
  throw err;
}
