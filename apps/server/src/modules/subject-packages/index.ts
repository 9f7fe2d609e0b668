export {
  enqueuePackageLinkMail,
  packageLinkQueue,
  sendPackageLinkMail,
  startPackageWorkers,
} from './link-mail.js';
export { downloadPackage, getPackageStatus, previewPackage, releasePackage } from './packages.js';
export { renderPackageHtml, renderPackageZip } from './render.js';
export { deletePackagesOf, deletePackagesOfRequests, storePackage } from './repository.js';
export { subjectPackageRoutes } from './routes.js';
export { subjectPackages } from './schema.js';
