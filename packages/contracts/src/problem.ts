import { z } from 'zod';

/** Every error code the API answers with. The server maps each to exactly one HTTP status. */
export const errorCodes = [
  'validation_failed',
  'bad_request',
  'unauthenticated',
  'invalid_credentials',
  'mfa_required',
  'invalid_mfa_code',
  'csrf_failed',
  'forbidden',
  'processing_refused',
  'not_found',
  'conflict',
  'gone',
  'payload_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'rate_limited',
  'not_ready',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const fieldIssueSchema = z.object({
  field: z.string().describe('Path of the field at fault, e.g. `body.email`'),
  issue: z.string().describe('What is wrong with it; never its value'),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** RFC 9457 problem details, as every error response carries it (application/problem+json). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(errorCodes),
  requestId: z.string(),
  errors: z.array(fieldIssueSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
