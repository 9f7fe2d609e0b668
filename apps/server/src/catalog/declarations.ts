import { purposes } from '@custodian/contracts';
import { consentEventEntity, consentStateEntities } from './consent-declarations.js';
import { reachPurposes, relationshipPurposes } from './purposes.js';
import { requestEntities } from './request-declarations.js';
import type { EntityDeclaration } from './types.js';

const createdAt = 'when the record was created';
const updatedAt = 'when the record last changed';
const randomId = 'random identifier, meaningless outside Custodian';
const pseudonymous =
  'pseudonymous attribute: says something about a person only together with the encrypted fields, which erasure destroys; deleted with the record';

export const contactEntity: EntityDeclaration = {
  entity: 'contact',
  table: 'contacts',
  description: 'The people the CRM is about: each contact is a data subject with its own key.',
  subjectColumn: 'subject_id',
  personal: {
    firstName: {
      label: 'First name',
      description: 'Given name(s)',
      column: 'first_name',
      codec: 'text',
      category: 'identity',
      protection: 'encrypted_prefix_index',
      index: { column: 'name_tokens', name: 'contact-name', kind: 'prefix' },
      purposes: [...reachPurposes, 'profiling'],
      retention: 'relationship',
    },
    lastName: {
      label: 'Last name',
      description: 'Family name(s)',
      column: 'last_name',
      codec: 'text',
      category: 'identity',
      protection: 'encrypted_prefix_index',
      index: { column: 'name_tokens', name: 'contact-name', kind: 'prefix' },
      purposes: [...reachPurposes, 'profiling'],
      retention: 'relationship',
    },
    emails: {
      label: 'E-mail addresses',
      description: 'E-mail addresses with labels; one is primary',
      column: 'emails',
      codec: 'json',
      category: 'contact',
      protection: 'encrypted_exact_index',
      index: { column: 'email_tokens', name: 'contact-email', kind: 'email' },
      purposes: reachPurposes,
      retention: 'relationship',
    },
    phones: {
      label: 'Phone numbers',
      description: 'Phone numbers with labels, searchable in E.164 form',
      column: 'phones',
      codec: 'json',
      category: 'contact',
      protection: 'encrypted_exact_index',
      index: { column: 'phone_tokens', name: 'contact-phone', kind: 'phone' },
      purposes: relationshipPurposes,
      retention: 'relationship',
    },
    addresses: {
      label: 'Postal addresses',
      description: 'Street, city, region, postal code and country',
      column: 'addresses',
      codec: 'json',
      category: 'location',
      protection: 'encrypted',
      purposes: relationshipPurposes,
      retention: 'relationship',
    },
    jobTitle: {
      label: 'Job title',
      description: 'Role at the person’s organisation',
      column: 'job_title',
      codec: 'text',
      category: 'professional',
      protection: 'encrypted',
      purposes: [...reachPurposes, 'profiling', 'analytics'],
      retention: 'relationship',
    },
    dateOfBirth: {
      label: 'Date of birth',
      description: 'Used for the age check (children’s data, GDPR Art. 8) and identity verification',
      column: 'date_of_birth',
      codec: 'text',
      category: 'identity',
      protection: 'encrypted',
      purposes: ['contract_fulfilment', 'legal_obligation', 'data_subject_rights', 'customer_support'],
      retention: 'relationship',
    },
    customFields: {
      label: 'Custom fields',
      description:
        'Values of the custom fields defined for contacts. Each is classified on its own when it is defined (see /api/v1/custom-fields) and masked by that classification.',
      column: 'custom_fields',
      codec: 'json',
      category: 'identity',
      protection: 'encrypted',
      purposes,
      retention: 'relationship',
      reveal: 'contacts:read',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the data subject whose key encrypts this record',
    owner_id: 'the staff member responsible for the contact (a user id)',
    company_id: 'the organisation the person works for (a company id)',
    import_id: 'the import that brought the person in (an import id)',
    source: `how the contact came in, from a fixed list; ${pseudonymous}`,
    lifecycle_stage: `lead, prospect, customer or former; ${pseudonymous}`,
    last_activity_at: `time of the latest activity; ${pseudonymous}`,
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const tagEntity: EntityDeclaration = {
  entity: 'tag',
  table: 'tags',
  description:
    'Workspace-wide labels for grouping records (the API documents that tags must not name people).',
  subjectColumn: null,
  personal: {},
  notPersonal: { id: randomId, name: 'a label shared by many records', created_at: createdAt },
};

export const contactTagEntity: EntityDeclaration = {
  entity: 'contactTag',
  table: 'contact_tags',
  description: 'Which tags a contact carries.',
  subjectColumn: null,
  personal: {},
  notPersonal: { contact_id: 'a contact id', tag_id: 'a tag id', created_at: createdAt },
};

export const userEntity: EntityDeclaration = {
  entity: 'user',
  table: 'users',
  description:
    'Staff accounts. Each staff member is a data subject too, so their name and e-mail are encrypted under their own key.',
  subjectColumn: 'subject_id',
  personal: {
    email: {
      label: 'E-mail address',
      description: 'Sign-in address, unique through its blind index',
      column: 'email',
      codec: 'text',
      category: 'contact',
      protection: 'encrypted_exact_index',
      index: { column: 'email_index', name: 'user-email', kind: 'email' },
      purposes,
      retention: 'staff_account',
      reveal: 'users:read',
    },
    name: {
      label: 'Name',
      description: 'Display name',
      column: 'name',
      codec: 'text',
      category: 'identity',
      protection: 'encrypted',
      purposes,
      retention: 'staff_account',
      reveal: 'users:read',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the data subject whose key encrypts this record',
    role: 'the account’s role, from a fixed list',
    status: 'active or disabled',
    password_hash: 'argon2id hash of the password: a credential, not readable',
    mfa_secret: 'TOTP secret sealed under a key derived from the master key: a credential',
    mfa_pending_secret: 'TOTP secret being enrolled, sealed like the confirmed one',
    mfa_last_time_step: 'replay protection counter for TOTP codes',
    mfa_enabled_at: 'when the second factor was confirmed',
    last_login_at: 'security record of the account’s last sign-in',
    created_at: createdAt,
    updated_at: updatedAt,
  },
  retired: {
    legacy_email: 'the e-mail in clear, from before encryption: sealed and emptied at start-up',
    legacy_name: 'the name in clear, from before encryption: sealed and emptied at start-up',
  },
};

export const companyEntity: EntityDeclaration = {
  entity: 'company',
  table: 'companies',
  description:
    'Organisations. Not personal data, except the name, which for a sole trader is a person’s: encrypted under the company’s own key.',
  subjectColumn: 'subject_id',
  personal: {
    name: {
      label: 'Name',
      description: 'The organisation’s name',
      column: 'name',
      codec: 'text',
      category: 'professional',
      protection: 'encrypted_prefix_index',
      index: { column: 'name_tokens', name: 'company-name', kind: 'prefix' },
      purposes,
      retention: 'relationship',
    },
    customFields: {
      label: 'Custom fields',
      description: 'Values of the custom fields defined for companies, each classified on its own',
      column: 'custom_fields',
      codec: 'json',
      category: 'professional',
      protection: 'encrypted',
      purposes,
      retention: 'relationship',
      reveal: 'companies:read',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the key that encrypts the name',
    domain: 'the organisation’s web domain',
    industry: 'the organisation’s industry',
    size: 'head-count band, from a fixed list',
    city: 'where the organisation is based',
    country: 'where the organisation is based',
    owner_id: 'the staff member responsible (a user id)',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const activityEntity: EntityDeclaration = {
  entity: 'activity',
  table: 'activities',
  description:
    'Notes, calls, meetings and e-mails. Each has a key of its own, because it may concern several people: deleting one of them unlinks them, deleting the last one shreds it.',
  subjectColumn: 'subject_id',
  personal: {
    subject: {
      label: 'Subject',
      description: 'Short title of the interaction',
      column: 'subject',
      codec: 'text',
      category: 'behavioural',
      protection: 'encrypted',
      purposes: relationshipPurposes,
      retention: 'relationship',
    },
    body: {
      label: 'Body',
      description: 'What was said or written: free text that may hold any personal data',
      column: 'body',
      codec: 'text',
      category: 'behavioural',
      protection: 'encrypted',
      purposes: relationshipPurposes,
      retention: 'relationship',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the activity’s own key',
    type: 'note, call, meeting or e-mail',
    occurred_at: `when it happened; ${pseudonymous}`,
    duration_minutes: `how long it took; ${pseudonymous}`,
    direction: 'inbound or outbound',
    company_id: 'a company id',
    deal_id: 'a deal id',
    created_by: 'the staff member who recorded it (a user id)',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const taskEntity: EntityDeclaration = {
  entity: 'task',
  table: 'tasks',
  description: 'To-dos. The title often names a person, so it is encrypted under the task’s own key.',
  subjectColumn: 'subject_id',
  personal: {
    title: {
      label: 'Title',
      description: 'What is to be done: free text',
      column: 'title',
      codec: 'text',
      category: 'behavioural',
      protection: 'encrypted',
      purposes: relationshipPurposes,
      retention: 'relationship',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the task’s own key',
    due_at: 'when it is due',
    assignee_id: 'a user id',
    status: 'open, done or cancelled',
    contact_id: 'a contact id',
    company_id: 'a company id',
    deal_id: 'a deal id',
    completed_at: 'when it was done',
    created_by: 'a user id',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

const linkTable = (
  entity: string,
  table: string,
  description: string,
  columns: string[],
): EntityDeclaration => ({
  entity,
  table,
  description,
  subjectColumn: null,
  personal: {},
  notPersonal: Object.fromEntries(columns.map((c) => [c, 'a record id'])),
});

export const dealEntities: readonly EntityDeclaration[] = [
  {
    entity: 'pipeline',
    table: 'pipelines',
    description: 'Deal pipelines.',
    subjectColumn: null,
    personal: {},
    notPersonal: { id: randomId, name: 'the pipeline’s name', created_at: createdAt },
  },
  {
    entity: 'pipelineStage',
    table: 'pipeline_stages',
    description: 'The stages of a pipeline, in order.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      pipeline_id: 'a pipeline id',
      name: 'the stage’s name',
      position: 'order on the board',
      probability: 'likelihood of winning, in percent',
      kind: 'open, won or lost',
    },
  },
  {
    entity: 'deal',
    table: 'deals',
    description:
      'Business opportunities: amounts and stages. The people in a deal are linked (deal_contacts), not copied; the title is a business label (the API asks not to put people’s details in it).',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      title: 'a business label for the opportunity',
      pipeline_id: 'a pipeline id',
      stage_id: 'a stage id',
      amount_minor: 'the amount in minor units',
      currency: 'ISO 4217 code',
      expected_close_date: 'when it is expected to close',
      closed_at: 'when it was won or lost',
      owner_id: 'a user id',
      company_id: 'a company id',
      custom_fields: 'values of deal custom fields, which can only be defined as not personal',
      created_at: createdAt,
      updated_at: updatedAt,
    },
  },
  linkTable('dealContact', 'deal_contacts', 'Which contacts take part in a deal.', ['deal_id', 'contact_id']),
];

export const importEntities: readonly EntityDeclaration[] = [
  {
    entity: 'import',
    table: 'imports',
    description: 'CSV imports: settings, progress and bad rows (by row number and column, never values).',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      subject_id: 'random identifier of the key that seals the uploaded file; shredded when the import ends',
      status: 'queued, running, completed or failed',
      dry_run: 'whether nothing is written',
      source: 'where the list came from, as the importer described it',
      lawful_basis: 'GDPR Art. 6(1) basis, from a fixed list',
      on_duplicate: 'update or skip',
      mapping: 'CSV column names and the fields they map to',
      file_bytes: 'size of the upload',
      total_rows: 'a count',
      rows_done: 'a count',
      created: 'a count',
      updated: 'a count',
      skipped: 'a count',
      failed: 'a count',
      errors: 'row numbers, column names and issues; never values',
      created_by: 'a user id',
      created_at: createdAt,
      started_at: 'when processing began',
      finished_at: 'when it ended',
    },
  },
  {
    entity: 'importChunk',
    table: 'import_chunks',
    description:
      'The uploaded CSV while the import runs, in chunks sealed under the import’s own key; deleted when it ends.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      import_id: 'an import id',
      seq: 'chunk order',
      data: 'AES-256-GCM ciphertext under the import’s key, which is shredded when the import ends',
    },
  },
];

export const customFieldEntity: EntityDeclaration = {
  entity: 'customField',
  table: 'custom_fields',
  description: 'Definitions of custom fields: the part of the catalog users extend, each field classified.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    entity: 'contact, company or deal',
    key: 'the field’s key',
    label: 'the field’s label',
    type: 'text, number, date, select or boolean',
    options: 'the choices of a select field',
    category: 'data category of the values (null when not personal)',
    special_kind: 'GDPR Art. 9 kind of a special-category field',
    purposes: 'purposes that may use the values',
    created_at: createdAt,
  },
};

export const purposeEntity: EntityDeclaration = {
  entity: 'purpose',
  table: 'purposes',
  description:
    'The purposes of processing and their justification (lawful basis, Art. 9 condition, flags, DPV term).',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    key: 'the purpose’s key',
    name: 'its name',
    description: 'what it is for',
    lawful_basis: 'GDPR Art. 6(1) basis',
    art9_condition: 'GDPR Art. 9(2) condition',
    categories: 'catalog categories it uses',
    retention: 'how long its data is kept, in words',
    ccpa_sale_or_sharing: 'a flag',
    profiling: 'a flag',
    automated_decisions: 'a flag',
    dpv_purpose: 'W3C DPV term',
    updated_at: updatedAt,
    updated_by: 'a user id',
  },
};

const credentialHash = 'keyed hash of a random secret: cannot be reversed or linked to a person';

/** Tables that hold no personal data at all, each column with the reason. */
export const systemEntities: readonly EntityDeclaration[] = [
  {
    entity: 'dataSubject',
    table: 'data_subjects',
    description: 'One row per person: the wrapped data key that crypto-shredding destroys.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      wrapped_key: 'the person’s data key sealed under the master key; nulled by crypto-shredding',
      key_id: 'which master key wraps the data key',
      created_at: createdAt,
      shredded_at: 'when the key was destroyed',
    },
  },
  {
    entity: 'session',
    table: 'sessions',
    description: 'Sign-in sessions of staff accounts.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      token_hash: credentialHash,
      user_id: 'a user id',
      created_at: createdAt,
      last_seen_at: 'security record: when the session was last used',
      expires_at: 'when the session ends',
    },
  },
  {
    entity: 'loginThrottle',
    table: 'login_throttle',
    description: 'Failed sign-in counters, by keyed hash: no e-mail or network address is stored.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      key_hash: 'keyed hash of an e-mail or network address; unreadable without the master key, expires',
      failures: 'a counter',
      locked_until: 'when the lock ends',
      last_failure_at: 'when the last failure happened',
    },
  },
  {
    entity: 'apiToken',
    table: 'api_tokens',
    description: 'API tokens of staff accounts; only keyed hashes of the secrets are stored.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      user_id: 'a user id',
      name: 'the label its owner gave the token (the API asks for an integration name)',
      token_hash: credentialHash,
      scopes: 'permissions, from a fixed list',
      created_at: createdAt,
      expires_at: 'when the token stops working',
      last_used_at: 'security record: when the token was last used',
      revoked_at: 'when the token was revoked',
    },
  },
  {
    entity: 'recoveryCode',
    table: 'recovery_codes',
    description: 'Single-use MFA recovery codes, hashed.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      user_id: 'a user id',
      code_hash: 'argon2id hash of a random code',
      used_at: 'when the code was used',
      created_at: createdAt,
    },
  },
  {
    entity: 'auditEntry',
    table: 'audit_entries',
    description:
      'The audit trail. People appear only as random subject ids; no names, e-mails or values are recorded.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'sequence number of the entry',
      occurred_at: 'when it happened',
      actor_type: 'user, token, system or anonymous',
      actor_id: 'a user id',
      action: 'what was done, from a fixed vocabulary',
      entity_type: 'the kind of record',
      entity_id: 'a record id',
      subject_ids: 'random ids of the data subjects read or changed',
      purpose: 'the purpose named for the request',
      request_id: 'random request id',
      outcome: 'success, denied or failure',
      key_id: 'which master key signed it',
      mac: 'HMAC of the entry',
      seq: 'position in the sealed chain',
      prev_hash: 'hash of the previous sealed entry',
      hash: 'hash of this sealed entry',
      sealed_at: 'when it was chained',
    },
  },
];

export const scannerFindingEntity: EntityDeclaration = {
  entity: 'scannerFinding',
  table: 'scanner_findings',
  description:
    'Where the free-text scanner found personal data: the record, the field and the kinds, never the value.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    activity_id: 'an activity id',
    task_id: 'a task id',
    field: 'the name of a field',
    kinds: 'kinds of personal data, from a fixed list',
    found_at: 'when the scanner found them',
    status: 'open, dismissed or redacted',
    reviewed_by: 'a user id',
    reviewed_at: 'when a privacy officer reviewed it',
  },
};

/** The whole catalog: every table Custodian creates appears here exactly once. */
export const catalog: readonly EntityDeclaration[] = [
  contactEntity,
  tagEntity,
  contactTagEntity,
  companyEntity,
  ...dealEntities,
  activityEntity,
  linkTable('activityContact', 'activity_contacts', 'Which contacts an activity concerns.', [
    'activity_id',
    'contact_id',
  ]),
  taskEntity,
  scannerFindingEntity,
  ...importEntities,
  customFieldEntity,
  purposeEntity,
  consentEventEntity,
  ...consentStateEntities,
  ...requestEntities,
  userEntity,
  ...systemEntities,
];
