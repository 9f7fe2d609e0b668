import {
  createTask as createEndpoint,
  deleteTask as deleteEndpoint,
  getTask as getEndpoint,
  listTasks,
  updateTask as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import { createTask, deleteTask, findTasks, getTask, updateTask } from './tasks.js';

export function taskRoutes(app: FastifyInstance, deps: ContactDeps): void {
  registerEndpoint(app, listTasks, ({ ctx, query }) => findTasks({ ...deps, ctx, query }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getTask({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createTask({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateTask({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, async ({ ctx, params }) => {
    await deleteTask({ ...deps, ctx, id: params.id });
    return null;
  });
}
