import { sha256 } from '../../platform/crypto/keys.js';

/** The recorded content of an entry, the part its MAC covers. */
export interface AuditContent {
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  subjectIds: readonly string[];
  purpose: string | null;
  requestId: string | null;
  outcome: string;
}

/** One fixed encoding: a JSON array in a fixed order, so no two different entries encode alike. */
export function canonicalContent(c: AuditContent): string {
  return JSON.stringify([
    'custodian-audit-v1',
    c.occurredAt.toISOString(),
    c.actorType,
    c.actorId,
    c.action,
    c.entityType,
    c.entityId,
    [...c.subjectIds],
    c.purpose,
    c.requestId,
    c.outcome,
  ]);
}

/** Link of the sealed chain: SHA-256 over the entry's content, MAC, position and the previous hash. */
export function chainHash(
  id: number,
  seq: number,
  content: string,
  mac: Buffer,
  prevHash: Buffer | null,
): Buffer {
  return sha256(
    Buffer.concat([
      Buffer.from(`${id}\n${seq}\n${content}\n`),
      mac,
      Buffer.from('\n'),
      prevHash ?? Buffer.alloc(32),
    ]),
  );
}
