import type { Problem } from '@custodian/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** The answer is RFC 9457 problem+json with this status, naming this field among its errors. */
export function expectFieldProblem(
  res: LightMyRequestResponse,
  field: string,
  label = '',
  status = 400,
): void {
  expect(res.statusCode, `${label} ${res.body}`).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(
    res.json<Problem>().errors?.map((e) => e.field),
    label,
  ).toContain(field);
}
