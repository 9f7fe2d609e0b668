export { forgetEventsOf, type NewDomainEvent, recordDomainEvent, recordDomainEvents } from './events.js';
export { domainEvents } from './schema.js';
