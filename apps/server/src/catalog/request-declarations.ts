import { encryptedField } from './encrypted-field.js';
import type { EntityDeclaration, PersonalFieldDeclaration } from './types.js';

// A request and its history are read to answer it and kept as proof it was answered (Art. 5(2), 12).
const requestPurposes = ['data_subject_rights', 'legal_obligation'] as const;

const requestField = (
  column: string,
  label: string,
  description: string,
  category: PersonalFieldDeclaration['category'],
  extra: Partial<PersonalFieldDeclaration> = {},
): PersonalFieldDeclaration =>
  encryptedField({
    column,
    label,
    description,
    category,
    purposes: requestPurposes,
    retention: 'legal_record',
    // Only those who handle requests see who asked and what for.
    reveal: 'requests:read',
    ...extra,
  });

const when = 'a point in the request’s life';

export const requestEntities: readonly EntityDeclaration[] = [
  {
    entity: 'dsrRequest',
    table: 'dsr_requests',
    description:
      'Data-subject requests: the requester’s details sealed under the request’s own key, deadlines and status in clear.',
    subjectColumn: 'subject_id',
    personal: {
      requesterEmail: requestField(
        'requester_email',
        'Requester e-mail',
        'Where the answer goes',
        'contact',
        {
          protection: 'encrypted_exact_index',
          // The contacts' e-mail index: a request finds its contact by equal tokens.
          index: { column: 'requester_email_token', name: 'contact-email', kind: 'email' },
        },
      ),
      requesterName: requestField('requester_name', 'Requester name', 'As the requester gave it', 'identity'),
      details: requestField('details', 'Request text', 'The request in the requester’s words', 'behavioural'),
    },
    notPersonal: {
      id: 'random identifier',
      subject_id: 'random identifier of the request’s own key',
      type: 'which right, from a fixed list',
      regime: 'GDPR or CCPA',
      status: 'workflow state',
      channel: 'how it arrived, from a fixed list',
      contact_id: 'a contact id',
      purposes: 'purpose keys',
      received_at: when,
      due_at: when,
      original_due_at: when,
      extended_due_at: when,
      acknowledge_by: when,
      acknowledged_at: when,
      extended_at: when,
      extension_reason: 'the legal reason for more time, written by staff about the workload, not the person',
      verified_at: when,
      verification_method: 'from a fixed list',
      verified_by: 'a user id',
      assigned_to: 'a user id',
      rejection_reason: 'a legal ground, from a fixed list',
      duplicate_of: 'a request id',
      closed_at: when,
      reminder_sent_at: when,
      created_by: 'a user id',
      created_at: when,
      updated_at: when,
    },
  },
  {
    entity: 'dsrRequestEvent',
    table: 'dsr_request_events',
    description: 'Every step of a request; notes sealed under the request’s key.',
    subjectColumn: 'subject_id',
    personal: {
      note: requestField('note', 'Note', 'What staff wrote at this step', 'behavioural'),
    },
    notPersonal: {
      seq: 'position',
      request_id: 'a request id',
      subject_id: 'random identifier of the request’s key',
      at: when,
      action: 'what was done, from a fixed list',
      from_status: 'workflow state',
      to_status: 'workflow state',
      actor_type: 'staff or system',
      actor_id: 'a user id',
    },
  },
  {
    entity: 'requestVerification',
    table: 'request_verifications',
    description: 'One-time codes that verify a requester: only a hash of each code is kept.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      request_id: 'a request id',
      code_hash: 'keyed HMAC of the code, with a key outside the database',
      expires_at: when,
      attempts: 'a count of wrong codes',
      mailed_at: when,
      used_at: when,
      created_at: when,
    },
  },
  {
    entity: 'suppressionEntry',
    table: 'suppression_entries',
    description:
      'The suppression list: keyed hashes of the addresses of people who asked to be erased or left alone, so nothing brings them back.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      kind: 'e-mail or phone',
      token:
        'keyed HMAC (the contacts’ blind-index token) of an address: proves equality to whoever holds the key, reveals nothing else',
      reason: 'from a fixed list',
      request_id: 'a request id',
      created_by: 'a user id',
      created_at: when,
    },
  },
  {
    entity: 'legalHold',
    table: 'legal_holds',
    description:
      'Legal holds (GDPR Art. 17(3)): which fields of a contact, or of everyone in a case (a deal), an erasure must keep, on which ground and until when.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      contact_id: 'a contact id',
      deal_id: 'a deal id (a hold on a case)',
      ground: 'an Art. 17(3) exemption, from a fixed list',
      purpose: 'a purpose key',
      fields: 'names of catalog fields',
      reference: 'a case or file reference, written by staff (refused when it holds an identifier)',
      until: when,
      created_by: 'a user id',
      created_at: when,
      lifted_at: when,
      lifted_by: 'a user id',
    },
  },
  {
    entity: 'erasureCertificate',
    table: 'erasure_certificates',
    description:
      'Certificates of erasures: table names, row counts, what was kept and why, and the verification result; never the erased person’s identifiers.',
    subjectColumn: null,
    personal: {},
    notPersonal: {
      id: 'random identifier',
      request_id: 'a request id',
      document: 'the certificate as JSON: counts, table names, legal grounds and the reason given by staff',
      sha256: 'hash of the document, also recorded in the audit chain',
      issued_at: when,
    },
  },
  {
    entity: 'subjectPackage',
    table: 'subject_packages',
    description:
      'Access and portability packages, sealed under the person’s own key until downloaded, then emptied; the link only as a keyed hash.',
    subjectColumn: 'subject_id',
    personal: {
      content: requestField(
        'content',
        'Package',
        'Everything held about the person, as prepared for their request',
        'identity',
      ),
    },
    notPersonal: {
      id: 'random identifier',
      request_id: 'a request id',
      subject_id: 'random identifier of the person’s key, which seals the package',
      flags:
        'where free text may hold other people’s data: record ids, field names and reasons, never values',
      prepared_at: when,
      released_at: when,
      released_by: 'a user id',
      token_hash: 'keyed HMAC of the download link’s random token, with a key outside the database',
      expires_at: when,
      downloaded_at: when,
    },
  },
];
