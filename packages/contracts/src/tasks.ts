import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';

export const taskStatuses = ['open', 'done', 'cancelled'] as const;
const taskFields = {
  title: z.string().trim().min(1).max(200),
  dueAt: isoDateTime.nullable(),
  assigneeId: z.uuid().nullable(),
  status: z.enum(taskStatuses),
  contactId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  dealId: z.uuid().nullable(),
};
export const createTaskBody = z.object(taskFields).partial().required({ title: true });
export type CreateTaskInput = z.infer<typeof createTaskBody>;
export const updateTaskBody = z
  .object(taskFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;

export const taskSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  dueAt: isoDateTime.nullable(),
  assigneeId: z.uuid().nullable(),
  status: z.enum(taskStatuses),
  contactId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  dealId: z.uuid().nullable(),
  completedAt: isoDateTime.nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Task = z.infer<typeof taskSchema>;

export const listTasksQuery = pageQuery.extend({
  assigneeId: z.uuid().optional(),
  /** `me`: tasks assigned to the caller. */
  mine: z.enum(['true', 'false']).optional(),
  status: z.enum(taskStatuses).optional(),
  contactId: z.uuid().optional(),
  dealId: z.uuid().optional(),
  dueBefore: isoDateTime.optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const listTasks = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tasks',
  summary: 'List tasks, soonest due first (tasks without a due date last)',
  tags: ['tasks'],
  access: requires('tasks:read'),
  querystring: listTasksQuery,
  response: { 200: pageOf(taskSchema) },
});
export const getTask = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tasks/:id',
  summary: 'Get one task',
  tags: ['tasks'],
  access: requires('tasks:read'),
  params: idParams,
  response: { 200: taskSchema },
});
export const createTask = defineEndpoint({
  method: 'POST',
  path: '/api/v1/tasks',
  summary: 'Create a task (assigned to the caller unless another assignee is named)',
  tags: ['tasks'],
  access: requires('tasks:write'),
  body: createTaskBody,
  response: { 201: taskSchema },
});
export const updateTask = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/tasks/:id',
  summary: 'Change a task; marking it done records when',
  tags: ['tasks'],
  access: requires('tasks:write'),
  params: idParams,
  body: updateTaskBody,
  response: { 200: taskSchema },
});
export const deleteTask = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/tasks/:id',
  summary: 'Delete a task',
  tags: ['tasks'],
  access: requires('tasks:write'),
  params: idParams,
  response: { 204: emptyResponse },
});
