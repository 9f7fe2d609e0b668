export { createDeal, deleteDeal, findDeals, getDeal, updateDeal } from './deals.js';
export { createPipeline, findPipelines, replacePipeline } from './pipelines.js';
export { deleteDealLinksOfContact, moveDealLinks } from './repository.js';
export { dealRoutes } from './routes.js';
export { dealContacts, deals, pipelineStages, pipelines } from './schema.js';
