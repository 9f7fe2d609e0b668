export { createContact } from './create-contact.js';
export { deleteContact } from './delete-contact.js';
export type { ContactDeps } from './deps.js';
export { findContacts } from './find-contacts.js';
export { getContact } from './get-contact.js';
export { contactRoutes } from './routes.js';
export { contacts, contactTags } from './schema.js';
export { updateContact } from './update-contact.js';
