import { z } from 'zod';
import { defineEndpoint, publicAccess } from './endpoint.js';

export const healthz = defineEndpoint({
  method: 'GET',
  path: '/healthz',
  summary: 'Liveness: the process is up',
  tags: ['health'],
  access: publicAccess,
  response: { 200: z.object({ status: z.literal('ok') }) },
});

export const readyz = defineEndpoint({
  method: 'GET',
  path: '/readyz',
  summary: 'Readiness: the database answers and its migrations are current',
  tags: ['health'],
  access: publicAccess,
  response: {
    200: z.object({ status: z.literal('ready'), database: z.string(), migrations: z.literal('current') }),
  },
});
