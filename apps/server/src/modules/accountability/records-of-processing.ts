import type {
  DataCategory,
  ProcessingActivity,
  Purpose,
  Recipient,
  RecordsOfProcessing,
} from '@custodian/contracts';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { catalog } from '../../catalog/declarations.js';
import { assertPermission, type RequestContext, rolePermissions } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import { escapeHtml } from '../../platform/http/html.js';
import { recordAudit } from '../audit/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import { listRecipientRecords } from '../recipients/index.js';
import { findPoliciesToApply } from '../retention/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';

/** What the running server says of itself, for the controller's details and the security measures. */
export interface RopaSettings {
  controller: {
    name: string;
    address: string;
    email: string | null;
    url: string;
    dpo?: { name: string | null; email: string | null } | null;
  };
  publicUrl: string;
  smtp?: { host: string } | null;
  retention?: { schedule: string | null };
}

/** Who the records of each table are about. */
const peopleOf: Record<string, string> = {
  contacts: 'contacts: leads, prospects, customers and former customers',
  companies: 'sole traders (organisation names)',
  activities: 'people named in notes, calls, meetings and e-mails',
  tasks: 'people named in tasks',
  consent_events: 'contacts giving, refusing or withdrawing consent',
  dsr_requests: 'people exercising their data-protection rights',
  dsr_request_events: 'people exercising their data-protection rights',
  subject_packages: 'people exercising their data-protection rights',
  users: 'staff',
  recipients: 'privacy contacts at recipients',
};

/** The purposes Custodian itself sends mail for: confirmations of consent, notices to requesters. */
const mailPurposes: readonly Purpose[] = ['marketing_email', 'newsletter', 'data_subject_rights'];

const periodText = (amount: number, unit: string) =>
  `${amount} ${amount === 1 ? unit.replace(/s$/, '') : unit}`;

/**
 * Generates the records of processing activities (GDPR Art. 30(1)) from what is in force: one activity per
 * purpose with its lawful basis, the people and data categories the catalog says it uses, the recipients and
 * transfers recorded for it, the time limits of erasure from its retention policies, and the security
 * measures of the running configuration.
 */
export async function buildRecordsOfProcessing({
  db,
  keys,
  subjects,
  ctx,
  settings,
  engine,
}: {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  ctx: RequestContext;
  settings: RopaSettings;
  engine: 'pglite' | 'postgres';
}): Promise<RecordsOfProcessing> {
  assertPermission(ctx.actor, 'recipients:read');
  const purposes = await findPurposeRecords(db);
  const recipients = await listRecipientRecords(db, subjects);
  const policies = await findPoliciesToApply(db, undefined, { includeDisabled: true });
  const custom = await queryRows<{ key: string; category: DataCategory; purposes: Purpose[] }>(
    db,
    sql`select key, category, purposes from custom_fields where entity = 'contact' and category is not null order by key`,
  );
  const pseudonymised = await queryRows<{ name: string; purpose: Purpose }>(
    db,
    sql`select name, purpose from pseudonym_recipients order by name`,
  );

  const activities: ProcessingActivity[] = purposes.map((p) => {
    const categories = new Map<DataCategory, string[]>();
    const people = new Set<string>();
    const add = (table: string, field: string, category: DataCategory) => {
      categories.set(category, [...(categories.get(category) ?? []), `${table}.${field}`]);
      if (peopleOf[table]) people.add(peopleOf[table]!);
    };
    for (const entity of catalog)
      for (const [field, decl] of Object.entries(entity.personal)) {
        if (entity.table === 'contacts' && field === 'customFields') {
          for (const f of custom)
            if (f.purposes.includes(p.key)) add('contacts', `customFields.${f.key}`, f.category);
        } else if ((decl.purposes as readonly string[]).includes(p.key))
          add(entity.table, field, decl.category);
      }
    const own = recipients.filter((r) => r.role !== 'controller' && r.purposes.includes(p.key));
    return {
      purpose: p.key,
      name: p.name,
      description: p.description,
      lawfulBasis: p.lawfulBasis,
      art9Condition: p.art9Condition,
      dpv: { purpose: p.dpvPurpose, legalBasis: p.dpvLegalBasis.dpv, gdpr: p.dpvLegalBasis.gdpr },
      dataSubjects: [...people].sort(),
      dataCategories: [...categories].map(([category, fields]) => ({ category, fields })),
      recipients: [
        ...own.map((r) => ({ name: r.name, role: r.role })),
        ...(settings.smtp && mailPurposes.includes(p.key)
          ? [{ name: `mail server ${settings.smtp.host}`, role: 'mail_server' as const }]
          : []),
        ...pseudonymised
          .filter((x) => x.purpose === p.key)
          .map((x) => ({ name: x.name, role: 'pseudonymised_export' as const })),
      ],
      transfers: own
        .filter((r) => r.thirdCountries.length > 0 && r.transferMechanism)
        .map((r) => ({
          recipient: r.name,
          countries: r.thirdCountries,
          mechanism: r.transferMechanism!,
          detail: transferDetail(r),
        })),
      erasure: {
        statement: p.retention,
        legalMinimumMonths: p.minimumRetentionMonths,
        policies: policies
          .filter((x) => x.purposes.length === 0 || x.purposes.includes(p.key))
          .map((x) => ({
            id: x.id,
            name: x.name,
            rule: `${x.action.replace('_', ' ')} ${x.target.replace('_', ' ')} records ${periodText(x.periodAmount, x.periodUnit)} after ${x.trigger.replace('_', ' ')}${x.lifecycleStages.length > 0 ? ` (${x.lifecycleStages.join(', ')})` : ''}`,
            enabled: x.enabled,
          })),
      },
    };
  });

  const [users] = await queryRows<{ total: number; mfa: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where mfa_enabled_at is not null)::int as mfa
        from users where status = 'active'`,
  );
  const enabledPolicies = policies.filter((x) => x.enabled).length;
  const security = [
    {
      measure: 'Encryption of personal data at rest',
      detail:
        'Every personal field is encrypted with AES-256-GCM under its own person’s data key; data keys are wrapped by a master key kept outside the database; erasure destroys the key (crypto-shredding), so backups become unreadable too.',
    },
    {
      measure: 'Search without plaintext',
      detail: 'Exact and prefix search go through blind indexes (keyed HMAC-SHA256, one key per index).',
    },
    {
      measure: 'Access control',
      detail: `${Object.keys(rolePermissions).length} roles with least privilege; fields are masked by data category and purpose; API tokens are scoped.`,
    },
    {
      measure: 'Authentication',
      detail: `Passwords hashed with argon2id; ${Number(users?.mfa ?? 0)} of ${Number(users?.total ?? 0)} active staff accounts use a second factor (TOTP).`,
    },
    {
      measure: 'Audit trail',
      detail:
        'Every read and change of personal data is recorded in an append-only, HMAC-signed, hash-chained audit trail, verifiable at any time.',
    },
    {
      measure: 'Storage limitation',
      detail: `${enabledPolicies} retention policies enabled; the sweep runs ${settings.retention?.schedule ? `on the schedule ${settings.retention.schedule} (UTC)` : 'only when started by hand'}.`,
    },
    {
      measure: 'Database',
      detail:
        engine === 'postgres'
          ? 'PostgreSQL server; personal fields are stored as ciphertext only.'
          : 'Embedded PostgreSQL (PGlite) in the data directory; personal fields are stored as ciphertext only.',
    },
    {
      measure: 'Transport',
      detail: settings.publicUrl.startsWith('https://')
        ? 'Served over HTTPS.'
        : 'PUBLIC_URL is not https: TLS must be terminated by a proxy in front of Custodian.',
    },
  ];
  await recordAudit(db, keys, ctx, { action: 'ropa.read', entityType: 'recordsOfProcessing' });
  return {
    generatedAt: new Date().toISOString(),
    controller: {
      name: settings.controller.name,
      address: settings.controller.address,
      email: settings.controller.email,
      url: settings.controller.url,
      dpo: settings.controller.dpo ?? null,
    },
    activities,
    asProcessor: recipients
      .filter((r) => r.role === 'controller')
      .map((r) => ({
        controller: { name: r.name, contact: r.contact },
        processing: r.services,
        dataCategories: r.categories,
        agreement: { signedAt: r.dpaSignedAt, reviewAt: r.dpaReviewAt },
        transfers:
          r.thirdCountries.length > 0 && r.transferMechanism
            ? { countries: r.thirdCountries, mechanism: r.transferMechanism, detail: transferDetail(r) }
            : null,
        subProcessors: recipients.filter((x) => x.role === 'sub_processor').map((x) => x.name),
      })),
    security,
  };
}

function transferDetail(r: Recipient): string | null {
  return r.transferMechanism === 'standard_contractual_clauses'
    ? `signed ${r.sccDate}`
    : r.transferMechanism === 'art49_derogation'
      ? r.derogation
      : null;
}

export function ropaCsv(r: RecordsOfProcessing): string {
  const header = [
    'purpose',
    'name',
    'lawful_basis',
    'art9_condition',
    'data_subjects',
    'data_categories',
    'recipients',
    'third_country_transfers',
    'erasure',
    'legal_minimum_months',
  ];
  const rows = r.activities.map((a) => [
    a.purpose,
    a.name,
    a.lawfulBasis,
    a.art9Condition ?? '',
    a.dataSubjects.join('; '),
    a.dataCategories.map((c) => c.category).join('; '),
    a.recipients.map((x) => `${x.name} (${x.role})`).join('; '),
    a.transfers.map((t) => `${t.recipient}: ${t.countries.join('/')} under ${t.mechanism}`).join('; '),
    [a.erasure.statement, ...a.erasure.policies.filter((p) => p.enabled).map((p) => p.rule)].join('; '),
    a.erasure.legalMinimumMonths ?? '',
  ]);
  if (r.asProcessor.length === 0) return stringify([header, ...rows]);
  // Art. 30(2): a second table, after an empty line.
  const processorHeader = [
    'controller',
    'controller_contact',
    'processing',
    'data_categories',
    'agreement_signed',
    'agreement_review',
    'third_country_transfers',
    'sub_processors',
  ];
  const processorRows = r.asProcessor.map((x) => [
    x.controller.name,
    x.controller.contact ?? '',
    x.processing,
    x.dataCategories.join('; '),
    x.agreement.signedAt ?? '',
    x.agreement.reviewAt ?? '',
    x.transfers ? `${x.transfers.countries.join('/')} under ${x.transfers.mechanism}` : '',
    x.subProcessors.join('; '),
  ]);
  return stringify([header, ...rows, [], processorHeader, ...processorRows]);
}

export function ropaHtml(r: RecordsOfProcessing): string {
  const list = (items: string[]) =>
    items.length === 0
      ? '<p>None.</p>'
      : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  const activities = r.activities
    .map(
      (a) => `<section><h2>${escapeHtml(a.name)} <small>(${escapeHtml(a.purpose)})</small></h2>
<p>${escapeHtml(a.description)}</p>
<dl><dt>Lawful basis</dt><dd>${escapeHtml(a.lawfulBasis)} (${escapeHtml(a.dpv.gdpr)})${a.art9Condition ? `; Art. 9 condition: ${escapeHtml(a.art9Condition)}` : ''}</dd>
<dt>Categories of data subjects</dt><dd>${list(a.dataSubjects)}</dd>
<dt>Categories of personal data</dt><dd>${list(a.dataCategories.map((c) => `${c.category}: ${c.fields.join(', ')}`))}</dd>
<dt>Recipients</dt><dd>${list(a.recipients.map((x) => `${x.name} (${x.role.replaceAll('_', ' ')})`))}</dd>
<dt>Transfers to third countries</dt><dd>${list(a.transfers.map((t) => `${t.recipient}: ${t.countries.join(', ')} — ${t.mechanism.replaceAll('_', ' ')}${t.detail ? ` (${t.detail})` : ''}`))}</dd>
<dt>Time limits for erasure</dt><dd>${escapeHtml(a.erasure.statement)}${a.erasure.legalMinimumMonths ? ` Legal minimum: ${a.erasure.legalMinimumMonths} months.` : ''}${list(a.erasure.policies.map((p) => `${p.name}: ${p.rule}${p.enabled ? '' : ' (disabled)'}`))}</dd></dl></section>`,
    )
    .join('\n');
  const c = r.controller;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Records of processing activities</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{break-inside:avoid;border-top:1px solid #ccc;margin-top:1.5rem}dt{font-weight:600;margin-top:.5rem}small{color:#555}</style></head>
<body><h1>Records of processing activities (GDPR Art. 30(1))</h1>
<p>Generated ${escapeHtml(r.generatedAt)} from the data catalog, purposes, retention policies, recipients and the running configuration.</p>
<h2>Controller</h2><p>${escapeHtml(c.name)}<br>${escapeHtml(c.address)}${c.email ? `<br>${escapeHtml(c.email)}` : ''}</p>
<p>Data protection officer: ${c.dpo ? escapeHtml([c.dpo.name, c.dpo.email].filter(Boolean).join(', ')) : 'not designated (set DPO_NAME and DPO_EMAIL)'}</p>
${activities}
${
  r.asProcessor.length > 0
    ? `<section><h1>Records as a processor (GDPR Art. 30(2))</h1><p>Processor: ${escapeHtml(c.name)}, ${escapeHtml(c.address)}. Security measures: see below.</p>${r.asProcessor
        .map(
          (x) => `<h2>On behalf of ${escapeHtml(x.controller.name)}</h2><dl>
<dt>Controller contact</dt><dd>${escapeHtml(x.controller.contact ?? 'not recorded')}</dd>
<dt>Categories of processing</dt><dd>${escapeHtml(x.processing || 'not described')}</dd>
<dt>Categories of personal data</dt><dd>${list(x.dataCategories)}</dd>
<dt>Agreement (Art. 28(3))</dt><dd>signed ${escapeHtml(x.agreement.signedAt ?? '—')}, review ${escapeHtml(x.agreement.reviewAt ?? '—')}</dd>
<dt>Transfers to third countries</dt><dd>${x.transfers ? escapeHtml(`${x.transfers.countries.join(', ')} — ${x.transfers.mechanism.replaceAll('_', ' ')}${x.transfers.detail ? ` (${x.transfers.detail})` : ''}`) : 'None.'}</dd>
<dt>Our sub-processors</dt><dd>${list(x.subProcessors)}</dd></dl>`,
        )
        .join('\n')}</section>`
    : ''
}
<section><h2>Technical and organisational security measures</h2><dl>${r.security.map((m) => `<dt>${escapeHtml(m.measure)}</dt><dd>${escapeHtml(m.detail)}</dd>`).join('')}</dl></section>
</body></html>`;
}

/** DPV terms of the catalog categories (DPV-PD), and of recipient roles. */
const pdTerm: Record<DataCategory, string> = {
  identity: 'pd:Identifying',
  contact: 'pd:Contact',
  location: 'pd:Location',
  online_identifier: 'pd:OnlineIdentifier',
  financial: 'pd:Financial',
  professional: 'pd:Professional',
  behavioural: 'pd:Behavioral',
  special: 'dpv:SpecialCategoryPersonalData',
  children: 'dpv:SensitivePersonalData',
};
const roleTerm: Record<string, string> = {
  processor: 'dpv:DataProcessor',
  sub_processor: 'dpv:DataSubProcessor',
  joint_controller: 'dpv:JointDataControllers',
  third_party: 'dpv:ThirdParty',
  mail_server: 'dpv:DataProcessor',
  pseudonymised_export: 'dpv:Recipient',
  controller: 'dpv:DataController',
};

export function ropaJsonLd(r: RecordsOfProcessing): string {
  const controller = {
    '@id': '#controller',
    '@type': 'dpv:DataController',
    'dpv:hasName': r.controller.name,
  };
  const graph = [
    controller,
    ...r.activities.map((a) => ({
      '@id': `#${a.purpose}`,
      '@type': 'dpv:PersonalDataHandling',
      'dpv:hasDataController': { '@id': '#controller' },
      'dpv:hasPurpose': { '@id': a.dpv.purpose, 'dpv:hasDescription': a.description },
      'dpv:hasLegalBasis': [{ '@id': a.dpv.legalBasis }, { '@id': a.dpv.gdpr }],
      'dpv:hasPersonalData': a.dataCategories.map((c) => ({ '@id': pdTerm[c.category] })),
      'dpv:hasDataSubject': a.dataSubjects.map((s) => ({
        '@type': 'dpv:DataSubject',
        'dpv:hasDescription': s,
      })),
      'dpv:hasRecipient': a.recipients.map((x) => ({ '@type': roleTerm[x.role], 'dpv:hasName': x.name })),
      'dpv:hasDataTransfer': a.transfers.map((t) => ({
        '@type': 'dpv:DataTransfer',
        'dpv:hasRecipient': t.recipient,
        'dpv:hasCountry': t.countries,
        'dpv:hasTechnicalOrganisationalMeasure': t.mechanism,
      })),
      'dpv:hasStorageCondition': {
        '@type': 'dpv:StorageDuration',
        'dpv:hasDescription': a.erasure.statement,
        'dpv:hasPolicy': a.erasure.policies.filter((p) => p.enabled).map((p) => p.rule),
      },
    })),
  ];
  return JSON.stringify(
    {
      '@context': {
        dpv: 'https://w3id.org/dpv#',
        pd: 'https://w3id.org/dpv/pd#',
        'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
      },
      '@graph': graph,
    },
    null,
    2,
  );
}
