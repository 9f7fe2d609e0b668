import {
  createWebhook as createEndpoint,
  deleteWebhook as deleteEndpoint,
  getWebhook as getEndpoint,
  listWebhookDeliveries as listDeliveriesEndpoint,
  listWebhooks as listEndpoint,
  redeliverWebhook as redeliverEndpoint,
  rotateWebhookSecret as rotateEndpoint,
  updateWebhook as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findWebhookDeliveries, redeliverWebhook } from './deliveries.js';
import {
  createWebhook,
  deleteWebhook,
  findWebhooks,
  getWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookDeps,
} from './subscriptions.js';

export function webhookRoutes(
  app: FastifyInstance,
  deps: WebhookDeps & { enqueue: (deliveryId: string) => Promise<void> },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findWebhooks({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getWebhook({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createWebhook({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateWebhook({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) => deleteWebhook({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, rotateEndpoint, ({ ctx, params }) =>
    rotateWebhookSecret({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, listDeliveriesEndpoint, ({ ctx, params, query }) =>
    findWebhookDeliveries({ ...deps, ctx, id: params.id, query }),
  );
  registerEndpoint(app, redeliverEndpoint, ({ ctx, params }) =>
    redeliverWebhook({ ...deps, ctx, id: params.id, deliveryId: params.deliveryId }),
  );
}
