import { revealPermissionOf } from '@custodian/contracts';
import { hasPermission, type RequestContext } from '../platform/access.js';
import type { EntityDeclaration } from './types.js';

/**
 * The personal fields of an entity this caller may not see in clear: their role lacks the permission that
 * reveals the field's category, or the request's purpose is not one the field may be used for. The system
 * itself (jobs, the CLI) sees everything; a staff call without a purpose sees no personal field.
 */
export function restrictedFields(entity: EntityDeclaration, ctx: RequestContext): Set<string> {
  const restricted = new Set<string>();
  if (ctx.actor.kind === 'system') return restricted;
  for (const [field, decl] of Object.entries(entity.personal)) {
    const reveal = decl.reveal ?? revealPermissionOf(decl.category);
    const purposeAllowed = ctx.purpose !== null && (decl.purposes as readonly string[]).includes(ctx.purpose);
    if (!hasPermission(ctx.actor, reveal) || !purposeAllowed) restricted.add(field);
  }
  return restricted;
}
