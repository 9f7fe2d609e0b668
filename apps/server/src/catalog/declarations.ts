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
    custom_field_keys: `which custom fields hold a value (keys defined by staff, never values), so retention and the inventory can count them; ${pseudonymous}`,
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
    minimum_retention_months: 'the legal minimum keeping time of a legal obligation, in months',
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
      format: 'which encoding its MAC covers',
      token_id: 'an API token id',
      access: 'read or change',
      categories: 'catalog categories of the data touched',
      key_id: 'which master key signed it',
      mac: 'HMAC of the entry',
      seq: 'position in the sealed chain',
      prev_hash: 'hash of the previous sealed entry',
      hash: 'hash of this sealed entry',
      sealed_at: 'when it was chained',
    },
  },
  {
    entity: 'auditCheckpoint',
    table: 'audit_checkpoints',
    description:
      'Where the audit chain starts after retention pruned its oldest entries: the last removed position and hash, signed.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      seq: 'position in the chain of the last entry removed',
      hash: 'its chain hash',
      entries: 'how many entries that prune removed',
      pruned_through: 'when the last of them was recorded',
      created_at: createdAt,
      key_id: 'which master key signed it',
      mac: 'HMAC of the checkpoint',
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
    contact_id: 'a contact id',
    field: 'the name of a field',
    kinds: 'kinds of personal data, from a fixed list',
    classified_kinds:
      'kinds of personal data, from a fixed list, as the privacy officer classified the field',
    found_at: 'when the scanner found them',
    status: 'open, dismissed or redacted',
    reviewed_by: 'a user id',
    reviewed_at: 'when a privacy officer reviewed it',
  },
};

export const scannerScanEntity: EntityDeclaration = {
  entity: 'scannerScan',
  table: 'scanner_scans',
  description:
    'Background scans of stored free text, with their progress (counts and a time, never a record).',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    status: 'queued, running, completed or failed',
    started_by: 'a user id',
    queued_at: 'when it was asked for',
    started_at: 'when it started',
    finished_at: 'when it ended',
    total: 'how many records there were to scan',
    scanned: 'how many were scanned',
    with_findings: 'how many had findings',
    phase: 'activities, tasks or contacts',
    position_at: 'the creation time of the last record scanned',
  },
};

export const recipientEntity: EntityDeclaration = {
  entity: 'recipient',
  table: 'recipients',
  description:
    'Processors, joint controllers and third parties receiving personal data: who, where, under which safeguard. The privacy contact may name a person: encrypted under the record’s own key.',
  subjectColumn: 'subject_id',
  personal: {
    contact: {
      label: 'Privacy contact',
      description: 'Who to reach at the recipient about data protection; may be a person’s name or address',
      column: 'contact',
      codec: 'text',
      category: 'contact',
      protection: 'encrypted',
      purposes: ['legal_obligation', 'data_subject_rights'],
      retention: 'legal_record',
    },
  },
  notPersonal: {
    id: randomId,
    subject_id: 'random identifier of the key that encrypts the contact',
    name: 'the organisation’s name',
    role: 'processor, sub-processor, joint controller or third party',
    services: 'what the organisation does for the controller, written by staff',
    purposes: 'purpose keys',
    categories: 'catalog categories',
    countries: 'country codes where the data is processed',
    transfer_mechanism: 'a Chapter V safeguard, from a fixed list',
    scc_date: 'when the standard contractual clauses were signed',
    derogation: 'which Art. 49 derogation, written by staff',
    dpa_signed_at: 'when the processing agreement was signed',
    dpa_review_at: 'when it is to be reviewed',
    security_measures: 'the organisation’s security measures, written by staff',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const segmentEntity: EntityDeclaration = {
  entity: 'segment',
  table: 'segments',
  description:
    'Saved filters over contacts (stage, source, owner, tags, deals, consent state…): conditions, never member lists or values.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    name: 'a name, written by staff (refused when it holds an identifier)',
    description: 'written by staff (refused when it holds an identifier)',
    filter:
      'the conditions: stages, sources, ids of owners, companies, tags and stages, dates, purposes, field keys',
    created_by: 'a user id',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const campaignEntities: readonly EntityDeclaration[] = [
  {
    entity: 'campaign',
    table: 'campaigns',
    description:
      'E-mail campaigns: templates written by staff for everyone (identifiers are refused; merge fields are filled at send time from the encrypted contact), a segment and a purpose.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      name: 'written by staff (refused when it holds an identifier)',
      purpose: 'a purpose key',
      segment_id: 'a segment id',
      subject: 'the template of the subject, with merge fields, not values',
      html: 'the HTML template, with merge fields, not values',
      text: 'the text template, with merge fields, not values',
      status: 'draft, queued, sending, sent or cancelled',
      scheduled_at: 'when sending starts',
      started_at: 'when sending started',
      listed_at: 'when the recipients were listed',
      finished_at: 'when sending ended',
      created_by: 'a user id',
      created_at: createdAt,
      updated_at: updatedAt,
    },
  },
  {
    entity: 'campaignMessage',
    table: 'campaign_messages',
    description:
      'One message per recipient and its fate: a link to the contact (removed when the contact is erased) and a status, never the address or the text.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier; the unsubscribe link carries it with a MAC',
      campaign_id: 'a campaign id',
      contact_id: 'a contact id (set to null when the contact is erased or deleted)',
      status: 'pending, sending, sent, refused, failed or uncertain',
      reason: 'the guard’s refusal reason, or no_address, erased, smtp',
      attempts: 'how many times sending was tried',
      sent_at: 'when the mail server accepted it',
      unsubscribed_at: 'when the person used its unsubscribe link',
    },
  },
];

export const dpiaEntity: EntityDeclaration = {
  entity: 'dpia',
  table: 'dpias',
  description:
    'Data protection impact assessments (Art. 35): processing, necessity, risks, advice and sign-off. Texts with identifiers are refused.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    title: 'a name for the assessment, written by staff (refused when it holds an identifier)',
    purposes: 'purpose keys',
    description: 'the processing described by staff (refused when it holds an identifier)',
    necessity: 'written by staff (refused when it holds an identifier)',
    proportionality: 'written by staff (refused when it holds an identifier)',
    risks:
      'risks with likelihood, severity and measures, written by staff (refused when they hold an identifier)',
    measures: 'written by staff (refused when it holds an identifier)',
    status: 'draft or signed off',
    dpo_advice: 'the DPO’s advice, written by the DPO (refused when it holds an identifier)',
    dpo_advice_by: 'a user id',
    dpo_advice_at: 'when the advice was given',
    dpo_advice_followed: 'whether the advice is followed',
    dpo_advice_reason: 'why not, written by staff (refused when it holds an identifier)',
    prior_consultation_at: 'when the authority was consulted (Art. 36)',
    prior_consultation_reference: 'the authority’s reference',
    signed_off_by: 'a user id',
    signed_off_at: 'when it was signed off',
    review_at: 'when it is reviewed next',
    created_by: 'a user id',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const breachNoticeEntity: EntityDeclaration = {
  entity: 'breachNotice',
  table: 'breach_notices',
  description:
    'Who was told about a breach (Art. 34) and whether the mail went out. Holds a link to the contact only, removed when the contact is erased.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    breach_id: 'a breach id',
    contact_id: 'a contact id (set to null when the contact is erased or deleted)',
    status: 'queued, sent, no_address or erased',
    queued_at: 'when the notice was queued',
    sent_at: 'when the mail was accepted by the mail server',
  },
};

export const breachEntity: EntityDeclaration = {
  entity: 'breach',
  table: 'breaches',
  description:
    'The breach register (Art. 33–34): what happened, when, to which categories of data, and the decisions; texts with identifiers are refused.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    title: 'a short name for the incident, written by staff (refused when it holds an identifier)',
    nature: 'what happened, written by staff (refused when it holds an identifier)',
    detected_at: 'when it was detected',
    aware_at: 'when the controller became aware',
    categories: 'catalog categories',
    people_approx: 'approximately how many people (a count)',
    records_approx: 'approximately how many records (a count)',
    consequences: 'likely consequences, written by staff (refused when it holds an identifier)',
    measures: 'measures taken, written by staff (refused when it holds an identifier)',
    risk: 'unlikely, risk or high',
    authority_decision: 'pending, notified or not required',
    authority_notified_at: 'when the authority was notified',
    authority_reference: 'the authority’s case reference',
    decision_reason: 'why no notification was required, written by staff',
    delay_reason: 'why the notification came late, written by staff',
    people_decision: 'pending, notified or not required',
    people_exception: 'an Art. 34(3) exception, from a fixed list',
    people_notified_at: 'when the people were told',
    impact: 'the audit-trail impact assessment: an account or token id, a time window and counts',
    people_notice_subject:
      'the message to the people, written by staff (refused when it holds an identifier)',
    people_notice_text: 'the message to the people, written by staff (refused when it holds an identifier)',
    reminders_sent: 'how many clock reminders were mailed',
    closed_at: 'when the record was closed',
    created_by: 'a user id',
    created_at: createdAt,
    updated_at: updatedAt,
  },
};

export const retentionEntities: EntityDeclaration[] = [
  {
    entity: 'retentionPolicy',
    table: 'retention_policies',
    description: 'Retention policies: which records go, from which event, after how long, and how.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      name: 'the policy’s name, written by staff',
      description: 'what the policy is for, written by staff',
      target: 'contact, activity or request',
      trigger: 'the event that starts the clock, from a fixed list',
      period_amount: 'a number of days, months or years',
      period_unit: 'days, months or years',
      action: 'what happens, from a fixed list',
      purposes: 'purpose keys',
      lifecycle_stages: 'lifecycle stages',
      categories: 'catalog categories',
      only_without_consent: 'a flag',
      exempt_tag_ids: 'tag ids',
      exempt_open_deals: 'a flag',
      shortened_reason: 'why a legal minimum is shortened, written by staff',
      enabled: 'a flag',
      shipped: 'whether Custodian shipped it',
      created_by: 'a user id',
      created_at: createdAt,
      updated_at: updatedAt,
    },
  },
  {
    entity: 'retentionRun',
    table: 'retention_runs',
    description: 'Retention sweeps: when, as of when, and how far they got.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      status: 'running, completed or failed',
      origin: 'schedule, cli or api',
      as_of: 'the time the policies were evaluated at',
      started_at: 'when the sweep started',
      finished_at: 'when it ended',
      batches: 'how many batches committed',
      counts: 'per policy, how many records were handled, held, exempt or failed (counts)',
      started_by: 'a user id',
    },
  },
  {
    entity: 'retentionRunItem',
    table: 'retention_run_items',
    description:
      'One row per record a sweep handled, committed with the handling itself, so a restarted sweep does nothing twice.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      run_id: 'a sweep id',
      policy_id: 'a policy id',
      target: 'contact, activity or request',
      target_ref:
        'keyed hash of the record id: proves the record was handled once without naming it (the record itself is gone)',
      outcome: 'done or failed',
      records: 'how many records the item stands for (1, or a range of audit entries)',
      batch: 'the batch number',
      handled_at: 'when',
    },
  },
];

export const anonymousRecordEntity: EntityDeclaration = {
  entity: 'anonymousRecord',
  table: 'anonymous_records',
  description:
    'What anonymisation keeps of former contacts for statistics: no identifier and no link to anyone; the person’s key was shredded.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: 'random identifier of the statistical record, unrelated to any former id',
    kind: 'what the record was (contact)',
    lifecycle_stage: 'lead, prospect, customer or former',
    source: 'how the contact had come in, from a fixed list',
    created_month: 'the month the contact was created (generalised from the time)',
    country: 'the country of the first address (generalised from the address)',
    birth_years: 'a five-year band of birth years (generalised from the date of birth)',
    activities: 'how many activities there were (a count)',
    deals_won: 'how many deals were won (a count)',
    anonymised_month: 'the month of anonymisation',
  },
};

export const pseudonymRecipientEntity: EntityDeclaration = {
  entity: 'pseudonymRecipient',
  table: 'pseudonym_recipients',
  description:
    'Recipients of pseudonymised exports; their keys are derived from the master key, never stored.',
  subjectColumn: null,
  personal: {},
  notPersonal: {
    id: randomId,
    name: 'the recipient’s name (an organisation or a study), written by staff',
    purpose: 'a purpose key',
    version: 'the key version',
    master_key_id: 'which master key the pseudonym key is derived from (its id, not the key)',
    created_by: 'a user id',
    created_at: createdAt,
    rotated_at: 'when the key was last rotated',
  },
};

export const leadScoreEntity: EntityDeclaration = {
  entity: 'leadScore',
  table: 'lead_scores',
  description:
    'One lead score per person the processing guard allows for profiling: deleted at once when they object, withdraw or are restricted, and with the person.',
  subjectColumn: 'subject_id',
  personal: {
    explanation: {
      label: 'Lead score explanation',
      description:
        'Which scoring rules gave the person how many points, and how often each matched (the basis of the score)',
      column: 'explanation',
      codec: 'json',
      category: 'behavioural',
      protection: 'encrypted',
      purposes: ['profiling', 'sales_follow_up', 'data_subject_rights'],
      retention: 'relationship',
    },
  },
  notPersonal: {
    contact_id: 'a contact id',
    subject_id: 'random identifier of the data subject whose key encrypts the explanation',
    score: `the sum of the explanation's points, kept in clear for sorting and masked with the explanation; computed only from attributes stored in clear and the rules; ${pseudonymous}`,
    rules_version: 'a hash of the rules the score was computed with',
    computed_at: 'when the score was computed',
  },
};

/** Lead scoring (profiling, GDPR Art. 4(4)): the rules, the runs and one score per person. */
export const scoringEntities: readonly EntityDeclaration[] = [
  {
    entity: 'scoringRule',
    table: 'scoring_rules',
    description:
      'Lead-scoring rules: a name written by staff (refused when it holds an identifier), points and a condition over attributes, never over values of personal fields.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      name: 'written by staff (refused when it holds an identifier)',
      points: 'points the rule gives',
      active: 'whether runs apply it',
      condition: 'activity types and days, stages, sources, ids of tags, pipelines and stages, field keys',
      created_by: 'a user id',
      created_at: createdAt,
      updated_at: updatedAt,
    },
  },
  leadScoreEntity,
  {
    entity: 'scoringRun',
    table: 'scoring_runs',
    description:
      'Scoring runs: the rules applied, how far the run got (a creation time, never a contact id) and counts.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: randomId,
      status: 'running or finished',
      origin: 'what started it',
      as_of: 'the time activity windows are counted from',
      rules_version: 'a hash of the rules applied',
      rules: 'a copy of the rules applied (names written by staff, points, conditions)',
      cursor_at: 'the creation time of the last contact handled',
      batches: 'a count',
      scored: 'a count',
      deleted: 'a count',
      refused: 'counts per refusal reason',
      started_by: 'a user id',
      started_at: 'when it started',
      finished_at: 'when it ended',
    },
  },
];

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
  scannerScanEntity,
  ...importEntities,
  customFieldEntity,
  purposeEntity,
  consentEventEntity,
  ...consentStateEntities,
  ...requestEntities,
  ...retentionEntities,
  anonymousRecordEntity,
  pseudonymRecipientEntity,
  recipientEntity,
  breachEntity,
  breachNoticeEntity,
  dpiaEntity,
  segmentEntity,
  ...campaignEntities,
  ...scoringEntities,
  userEntity,
  ...systemEntities,
];
