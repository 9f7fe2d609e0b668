import { encryptedField } from './encrypted-field.js';
import { reachPurposes } from './purposes.js';
import type { EntityDeclaration, PersonalFieldDeclaration } from './types.js';

/** Proof of a choice is read to demonstrate consent (Art. 7(1)) and to answer the person's requests. */
const proofPurposes = reachPurposes;

const proof = (
  column: string,
  label: string,
  description: string,
  category: PersonalFieldDeclaration['category'],
  codec: PersonalFieldDeclaration['codec'] = 'text',
): PersonalFieldDeclaration =>
  // Proof is kept as long as the processing it justifies, and then as evidence.
  encryptedField({
    column,
    label,
    description,
    category,
    codec,
    purposes: proofPurposes,
    retention: 'legal_record',
  });

export const consentEventEntity: EntityDeclaration = {
  entity: 'consentEvent',
  table: 'consent_events',
  description:
    'The append-only ledger of every choice a person made (consent, objection, restriction, CCPA opt-outs) with its proof, encrypted under the person’s key.',
  subjectColumn: 'subject_id',
  personal: {
    source: proof(
      'source',
      'Source',
      'Form id, page URL without its query, import id or paper reference',
      'online_identifier',
    ),
    networkAddressHash: proof(
      'network_address_hash',
      'Network address (hashed)',
      'Keyed HMAC of the IP address the choice came from',
      'online_identifier',
    ),
    userAgent: proof(
      'user_agent',
      'User agent',
      'The browser or program that sent the choice',
      'online_identifier',
    ),
    jurisdiction: proof(
      'jurisdiction',
      'Jurisdiction',
      'ISO 3166 code of the legal regime of the choice',
      'location',
    ),
    ageCheck: proof(
      'age_check',
      'Age check',
      'How the age was checked, the age found, whether a minor',
      'children',
      'json',
    ),
    parentalConsentReference: proof(
      'parental_consent_reference',
      'Parental consent reference',
      'Reference to the consent of the holder of parental responsibility',
      'children',
    ),
    note: proof('note', 'Note', 'What staff wrote down about a verbal or paper choice', 'behavioural'),
  },
  notPersonal: {
    id: 'random identifier, meaningless outside Custodian',
    seq: 'ledger position',
    subject_id: 'random identifier of the person whose choice it is',
    kind: 'given, withdrawn, confirmed, objected…, from a fixed list',
    purpose: 'a purpose key',
    notice_id: 'a notice version id',
    language: 'language of the notice shown',
    method: 'how the choice was collected, from a fixed list',
    occurred_at: 'when the choice was made',
    recorded_at: 'when it was recorded',
    actor_type: 'staff, the person, or the system',
    actor_id: 'a user id',
    relates_to: 'an event id',
    conflicts_with: 'an event id',
    merged_from: 'an event id',
    minor:
      'whether the age check found someone under the age of digital consent; the guard needs it in bulk, the age itself is encrypted',
    has_parental_consent: 'whether a parental consent reference was given; the reference itself is encrypted',
  },
};

const derived = 'derived from the ledger: a state of the pseudonymous person id, rebuilt from consent_events';

export const consentStateEntities: readonly EntityDeclaration[] = [
  {
    entity: 'consentState',
    table: 'consent_states',
    description:
      'The current consent, objection and restriction per person and purpose, derived from the ledger.',
    subjectColumn: null,
    personal: {},
    notPersonal: Object.fromEntries(
      [
        'subject_id',
        'purpose',
        'consent',
        'consent_event_id',
        'notice_id',
        'parental_consent_missing',
        'objected',
        'restricted',
        'last_occurred_at',
        'last_seq',
        'updated_at',
      ].map((c) => [c, derived]),
    ),
  },
  {
    entity: 'subjectChoices',
    table: 'subject_choices',
    description: 'The CCPA/CPRA choices per person, derived from the ledger.',
    subjectColumn: null,
    personal: {},
    notPersonal: Object.fromEntries(
      [
        'subject_id',
        'opted_out_of_sale_or_sharing',
        'limited_sensitive_use',
        'last_occurred_at',
        'last_seq',
        'updated_at',
      ].map((c) => [c, derived]),
    ),
  },
  {
    entity: 'notice',
    table: 'notices',
    description: 'Versions of the notices people are shown when they choose.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      key: 'the notice’s key',
      version: 'its version number',
      name: 'its internal name',
      purposes: 'the purposes it informs about',
      requires_reconsent: 'a flag',
      published_at: 'when it was published',
      shown_since: 'since when an earlier system showed the text, as the privacy officer declared',
      published_by: 'a user id',
    },
  },
  {
    entity: 'noticeText',
    table: 'notice_texts',
    description: 'The exact texts of notice versions, per language, with their SHA-256.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      notice_id: 'a notice id',
      language: 'a language tag',
      body: 'the organisation’s notice text',
      sha256: 'hash of the text',
    },
  },
  {
    entity: 'consentForm',
    table: 'consent_forms',
    description: 'Public consent forms: the notice they show and the purposes they ask for.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      name: 'the form’s name',
      notice_key: 'a notice key',
      purposes: 'purpose keys',
      double_opt_in: 'a flag',
      active: 'a flag',
      created_at: 'when the form was created',
      created_by: 'a user id',
    },
  },
  {
    entity: 'consentConfirmation',
    table: 'consent_confirmations',
    description:
      'Double opt-in confirmations awaiting their click; the address they were mailed to is read from the contact, never copied here.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      token_hash: 'SHA-256 of a random-looking link token derived with a key outside the database',
      subject_id: 'random identifier of the person',
      contact_id: 'a contact id',
      form_id: 'a form id',
      pending_event_ids: 'ledger event ids',
      language: 'language of the notice shown',
      expires_at: 'when the link expires',
      created_at: 'when the form was sent',
      mailed_at: 'when the link was mailed',
      confirmed_at: 'when it was confirmed',
      expired_at: 'when it was found expired',
    },
  },
  {
    entity: 'usedConsentChallenge',
    table: 'used_consent_challenges',
    description: 'Bot-check challenges already answered, so none is replayed; swept once expired.',
    subjectColumn: null,
    personal: {},
    notPersonal: { hash: 'SHA-256 of a random challenge', expires_at: 'when the challenge expires' },
  },
];
