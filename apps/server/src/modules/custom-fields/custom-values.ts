import {
  type CustomValues,
  type DataCategory,
  type FieldIssue,
  restrictedValue,
  revealPermissionOf,
} from '@custodian/contracts';
import { hasPermission, type RequestContext } from '../../platform/access.js';
import { AppError } from '../../platform/http/errors.js';
import type { CustomFieldRow } from './repository.js';

function issueWith(def: CustomFieldRow, value: string | number | boolean): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' ? null : 'must be text';
    case 'number':
      return typeof value === 'number' ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(value))
        ? null
        : 'must be a date (YYYY-MM-DD)';
    case 'select':
      return typeof value === 'string' && (def.options ?? []).includes(value)
        ? null
        : 'must be one of its options';
    default:
      return 'has an unknown type';
  }
}

/**
 * The custom values after applying an input to the current ones: keys sent replace, `null` removes. Every
 * key must be a defined field of the entity and every value of its type; a 400 names each bad key.
 */
export function applyCustomValues(
  defs: readonly CustomFieldRow[],
  current: CustomValues,
  input: CustomValues | undefined,
  path = 'body.customFields',
): CustomValues {
  if (!input) return current;
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const issues: FieldIssue[] = [];
  const next: CustomValues = { ...current };
  for (const [key, value] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      issues.push({ field: `${path}.${key}`, issue: 'is not a custom field of this entity' });
      continue;
    }
    if (value === null) {
      delete next[key];
      continue;
    }
    const issue = issueWith(def, value);
    if (issue) issues.push({ field: `${path}.${key}`, issue });
    else next[key] = value;
  }
  if (issues.length > 0)
    throw new AppError('validation_failed', 'A custom field is invalid', { details: issues });
  return next;
}

/** Values of fields no longer defined are left out; values the caller may not see read "[restricted]". */
export function presentCustomValues(
  defs: readonly CustomFieldRow[],
  values: CustomValues,
  ctx: RequestContext,
): { values: CustomValues; restricted: string[] } {
  const out: CustomValues = {};
  const restricted: string[] = [];
  for (const def of defs) {
    const value = values[def.key];
    const hidden =
      def.category !== null &&
      ctx.actor.kind !== 'system' &&
      (!hasPermission(ctx.actor, revealPermissionOf(def.category as DataCategory)) ||
        ctx.purpose === null ||
        !def.purposes.includes(ctx.purpose));
    if (hidden) restricted.push(`customFields.${def.key}`);
    if (value === undefined) continue;
    out[def.key] = hidden ? restrictedValue : value;
  }
  return { values: out, restricted };
}
