import type { FieldIssue } from '@custodian/contracts';
import { AppError } from './errors.js';

const maxDepth = 32;

/**
 * PostgreSQL text cannot hold NUL (U+0000). Rather than fail deep in a query, every request is checked
 * once, before validation, and the field holding one is named (never its value).
 */
export function assertStorableText(part: string, value: unknown): void {
  const issues: FieldIssue[] = [];
  const visit = (v: unknown, path: string[], depth: number) => {
    if (issues.length > 0) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        issues.push({ field: [part, ...path].join('.'), issue: 'contains a NUL character' });
      return;
    }
    if (depth >= maxDepth || v === null || typeof v !== 'object') return;
    for (const [key, child] of Object.entries(v)) {
      if (key.includes('\u0000')) {
        issues.push({ field: [part, ...path].join('.') || part, issue: 'has a key with a NUL character' });
        return;
      }
      visit(child, [...path, key], depth + 1);
    }
  };
  visit(value, [], 0);
  if (issues.length > 0)
    throw new AppError('validation_failed', 'The request has invalid fields', { details: issues });
}
