export { createActivity, deleteActivity, findActivities, getActivity, updateActivity } from './activities.js';
export {
  activitiesOfContact,
  deleteActivitiesReturningKeys,
  deleteActivityRows,
  findActivityMoments,
  findActivityRow,
  findActivityRows,
  insertActivitiesBatch,
  listActivityRows,
  moveActivityLinks,
  openActivities,
  resealActivityText,
  type SealedActivity,
  scanActivityRows,
  sealNewActivities,
  unlinkActivities,
} from './repository.js';
export { activityRoutes } from './routes.js';
export { activities, activityContacts } from './schema.js';
