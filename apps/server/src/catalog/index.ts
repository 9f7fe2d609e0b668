export { consentEventEntity } from './consent-declarations.js';
export {
  activityEntity,
  catalog,
  companyEntity,
  contactEntity,
  leadScoreEntity,
  recipientEntity,
  scoringEntities,
  taskEntity,
  userEntity,
} from './declarations.js';
export { describeCatalog } from './describe-catalog.js';
export {
  blindIndexTokens,
  indexOf,
  openPersonalFields,
  type PersonalValues,
  propertyOf,
  sealPersonalFields,
} from './field-crypto.js';
export { restrictedFields } from './masking.js';
export { requestEntities } from './request-declarations.js';
export { catalogRoutes } from './routes.js';
export type { EntityDeclaration, PersonalFieldDeclaration } from './types.js';
