export { applyPersonalInput, emptyPersonal } from './contact-input.js';
export { correctContact } from './correct-contact.js';
export { createContact } from './create-contact.js';
export { deleteContactRecord } from './delete-contact.js';
export type { ContactDeps } from './deps.js';
export { neutraliseFormula } from './export-contacts.js';
export { findContacts } from './find-contacts.js';
export { getContact } from './get-contact.js';
export {
  moveContactTags,
  subjectIdsOfContacts,
  touchLastActivities,
  touchLastActivity,
} from './links-repository.js';
export { mailableEmail, markEmailUndeliverable } from './mark-email-undeliverable.js';
export { presentContact } from './present-contact.js';
export { countryOf, readAllowedContacts } from './read-allowed-contacts.js';
export {
  addContactTags,
  type ContactAttributes,
  type ContactPersonal,
  type ContactRecord,
  type ContactRow,
  type ContactTokens,
  deleteContactTags,
  findContactRow,
  findContactRows,
  findContactsByEmailTokens,
  findContactTokens,
  insertContact,
  insertContactsBatch,
  keepOnlyHeldFields,
  listContactRows,
  listContactRowsByIds,
  openContacts,
  resealNewContact,
  type SealedContact,
  scanContactTokens,
  sealNewContacts,
  tagsOfContacts,
  updateContact as updateContactFields,
} from './repository.js';
export { requireContacts } from './require-contacts.js';
export { contactRoutes } from './routes.js';
export { contacts, contactTags } from './schema.js';
export { updateContact } from './update-contact.js';
