export { createDeal, deleteDeal, findDeals, getDeal, updateDeal } from './deals.js';
export { createPipeline, findPipelines, replacePipeline } from './pipelines.js';
export { deleteDealLinksOfContact, listDealRows, moveDealLinks, stagesById } from './repository.js';
export { dealRoutes } from './routes.js';
export { dealContacts, deals, pipelineStages, pipelines } from './schema.js';
