export { createCompany, deleteCompany, findCompanies, getCompany, updateCompany } from './companies.js';
export { existingCompanyIds } from './repository.js';
export { companyRoutes } from './routes.js';
export { companies } from './schema.js';
