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
  /** 1 for entries written before the fields below were recorded (they are then null or empty). */
  format: number;
  tokenId: string | null;
  access: string | null;
  categories: readonly string[];
}

/**
 * One fixed encoding per format: a JSON array in a fixed order, so no two different entries encode alike.
 * Format 1 is kept as it was so that entries written before format 2 still verify.
 */
export function canonicalContent(c: AuditContent): string {
  const v1 = [
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
  ];
  if (c.format === 1) return JSON.stringify(['custodian-audit-v1', ...v1]);
  return JSON.stringify(['custodian-audit-v2', ...v1, c.tokenId, c.access, [...c.categories]]);
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
