export { defineCustomField, findCustomFields, getCustomField, presentCustomField } from './custom-fields.js';
export { applyCustomValues, presentCustomValues } from './custom-values.js';
export { cachedCustomFieldRows, invalidateCustomFieldRows } from './definition-cache.js';
export { type CustomFieldRow, listCustomFieldRows } from './repository.js';
export { customFieldRoutes } from './routes.js';
export { customFields } from './schema.js';
