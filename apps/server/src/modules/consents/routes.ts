import { Readable } from 'node:stream';
import {
  batchMayProcess as batchEndpoint,
  getConsentReceiptPage,
  getConsents,
  listConsentEvents,
  mayProcess as mayProcessEndpoint,
  getConsentReceipt as receiptEndpoint,
  recordConsentEvent as recordEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { getConsentReceipt } from './consent-receipt.js';
import type { ConsentDeps } from './deps.js';
import { findConsentEvents, getConsentOverview } from './find-consents.js';
import { batchMayProcess, mayProcess } from './may-process.js';
import { renderReceiptPage } from './receipt-page.js';
import { recordConsentEvent } from './record-consent-event.js';

export function consentRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  registerEndpoint(app, getConsents, ({ ctx, params }) =>
    getConsentOverview({ ...deps, ctx, contactId: params.id }),
  );
  registerEndpoint(app, listConsentEvents, ({ ctx, params, query }) =>
    findConsentEvents({ ...deps, ctx, contactId: params.id, limit: query.limit, before: query.before }),
  );
  registerEndpoint(app, recordEndpoint, ({ ctx, params, body }) =>
    recordConsentEvent({ ...deps, ctx, contactId: params.id, input: body }),
  );
  registerEndpoint(app, receiptEndpoint, async ({ ctx, params }) => {
    const { receipt } = await getConsentReceipt({
      ...deps,
      ctx,
      contactId: params.id,
      eventId: params.eventId,
    });
    return receipt;
  });
  registerEndpoint(
    app,
    getConsentReceiptPage,
    async ({ ctx, params }) => {
      const { receipt, noticeText } = await getConsentReceipt({
        ...deps,
        ctx,
        contactId: params.id,
        eventId: params.eventId,
      });
      return Readable.from([renderReceiptPage(receipt, noticeText)]);
    },
    { stream: 'text/html; charset=utf-8' },
  );
  registerEndpoint(app, mayProcessEndpoint, ({ ctx, params, query }) =>
    mayProcess({ ...deps, ctx, id: params.id, purpose: query.purpose }),
  );
  // Up to 100,000 answers, each built from the typed ids and reasons of answerProcessing (see unvalidatedAnswer).
  registerEndpoint(app, batchEndpoint, ({ ctx, body }) => batchMayProcess({ ...deps, ctx, input: body }), {
    unvalidatedAnswer: true,
  });
}
