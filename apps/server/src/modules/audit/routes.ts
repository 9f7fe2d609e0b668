import { assessImpact as assessImpactEndpoint, listAudit, verifyAudit } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { assertPermission } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findAuditEntries } from './find-audit-entries.js';
import { assessImpact } from './impact-assessment.js';
import { recordAudit } from './record-audit.js';
import { verifyAuditChain } from './verify-audit-chain.js';

export function auditRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, listAudit, ({ ctx, query }) => findAuditEntries({ ...deps, ctx, filters: query }));
  registerEndpoint(app, verifyAudit, async ({ ctx }) => {
    assertPermission(ctx.actor, 'audit:read');
    const status = await verifyAuditChain(deps.db, deps.keys);
    await recordAudit(deps.db, deps.keys, ctx, {
      action: 'audit.verify',
      entityType: 'audit_entry',
      outcome: status.intact ? 'success' : 'failure',
    });
    return status;
  });
  registerEndpoint(app, assessImpactEndpoint, async ({ ctx, body }) => {
    assertPermission(ctx.actor, 'audit:read');
    const result = await assessImpact(deps.db, body);
    // The result names people only by random ids; the entry records the question, not the answer's ids.
    await recordAudit(deps.db, deps.keys, ctx, {
      action: 'audit.impact_assessment',
      entityType: body.actor.type === 'token' ? 'api_token' : 'user',
      entityId: body.actor.id,
    });
    return result;
  });
}
