export { createUser } from './create-user.js';
export { findUsers } from './find-users.js';
export { getUser } from './get-user.js';
export {
  countUsers,
  findUserByEmail,
  findUserById,
  insertUser,
  listUserRows,
  privacyOfficers,
  sealLegacyUserFields,
  toUser,
  type UserRow,
  updateUserRow,
} from './repository.js';
export { userRoutes } from './routes.js';
export { recoveryCodes, users } from './schema.js';
