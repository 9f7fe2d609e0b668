import { Readable } from 'node:stream';
import {
  getRecordsOfProcessingCsv as csvEndpoint,
  getComplianceDashboard as dashboardEndpoint,
  getRecordsOfProcessing as getEndpoint,
  getRecordsOfProcessingHtml as htmlEndpoint,
  getRecordsOfProcessingJsonLd as jsonLdEndpoint,
  getConsentTrends as trendsEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { buildConsentTrends } from './consent-trends.js';
import { buildComplianceDashboard } from './dashboard.js';
import {
  buildRecordsOfProcessing,
  type RopaSettings,
  ropaCsv,
  ropaHtml,
  ropaJsonLd,
} from './records-of-processing.js';

export function accountabilityRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    keys: KeyRing;
    subjects: SubjectKeyStore;
    settings: RopaSettings;
    engine: 'pglite' | 'postgres';
    timeZone: string;
  },
): void {
  registerEndpoint(app, dashboardEndpoint, ({ ctx }) => buildComplianceDashboard({ ...deps, ctx }));
  registerEndpoint(app, trendsEndpoint, ({ ctx, query }) => buildConsentTrends({ ...deps, ctx, query }));
  registerEndpoint(app, getEndpoint, ({ ctx }) => buildRecordsOfProcessing({ ...deps, ctx }));
  const renditions = [
    [csvEndpoint, 'text/csv; charset=utf-8', ropaCsv],
    [htmlEndpoint, 'text/html; charset=utf-8', ropaHtml],
    [jsonLdEndpoint, 'application/ld+json; charset=utf-8', ropaJsonLd],
  ] as const;
  for (const [endpoint, media, render] of renditions)
    registerEndpoint(
      app,
      endpoint,
      async ({ ctx }) => Readable.from([render(await buildRecordsOfProcessing({ ...deps, ctx }))]),
      { stream: media },
    );
}
