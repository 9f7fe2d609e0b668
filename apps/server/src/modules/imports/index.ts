export { discardAbandonedUploads } from './discard-abandoned-uploads.js';
export { presentImport } from './present-import.js';
export { chunkContext, receiveImport, type UploadPart } from './receive-import.js';
export {
  deleteChunks,
  findChunk,
  findImport,
  findUnfinishedImports,
  type ImportError,
  type ImportRow,
  recordBatch,
  updateImport,
} from './repository.js';
export { importRoutes } from './routes.js';
export { importChunks, imports } from './schema.js';
