export {
  deleteTasksOfContact,
  findTaskRow,
  listTaskRows,
  moveTasks,
  openTasks,
  resealTaskTitle,
  scanTaskRows,
  taskKeysOfContact,
} from './repository.js';
export { taskRoutes } from './routes.js';
export { tasks } from './schema.js';
export { createTask, deleteTask, findTasks, getTask, updateTask } from './tasks.js';
