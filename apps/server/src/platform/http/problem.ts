import type { ErrorCode, FieldIssue, Problem } from '@custodian/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseInputError, isNumberOutOfRange } from '../db/errors.js';
import { AppError, statusOf, titleOf } from './errors.js';

export function problemOf(
  code: ErrorCode,
  detail: string,
  requestId: string,
  errors: readonly FieldIssue[] = [],
): Problem {
  return {
    type: `https://custodian.dev/problems/${code.replaceAll('_', '-')}`,
    title: titleOf[code],
    status: statusOf[code],
    detail,
    code,
    requestId,
    ...(errors.length > 0 ? { errors: [...errors] } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Fastify's own client errors, by code, with messages that never quote the request. */
const fastifyErrors: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'The request body must be application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'The Content-Length header does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'The JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'The request body is not valid JSON'],
  FST_ERR_BAD_URL: ['bad_request', 'The URL is malformed'],
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'A part of the URL is longer than the server accepts'],
  FST_ERR_ASYNC_CONSTRAINT: ['bad_request', 'The request could not be routed'],
};

/** Turns any error into problem+json. A bug becomes a 500 with a request id, never a stack or a value. */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const requestId = String(request.id);
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(
      reply,
      problemOf(error.code, error.message, requestId, error.details),
      error.retryAfterSeconds,
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    const issues = error.validation.map((v) => ({
      field: [part, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      issue: v.message ?? 'is invalid',
    }));
    return sendProblem(
      reply,
      problemOf('validation_failed', 'The request has invalid fields', requestId, issues),
    );
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'response did not match its contract');
    return sendProblem(reply, problemOf('internal', 'Something went wrong on our side', requestId));
  }
  if (isDatabaseInputError(error)) {
    // Values the database cannot store (a NUL byte, an invalid byte sequence) are the caller's fault.
    return sendProblem(
      reply,
      problemOf('bad_request', 'The request contains characters that cannot be stored', requestId),
    );
  }
  if (isNumberOutOfRange(error)) {
    return sendProblem(
      reply,
      problemOf('bad_request', 'A number in the request is larger than the server can store', requestId),
    );
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? fastifyErrors[fastifyError.code] : undefined;
  if (known) return sendProblem(reply, problemOf(known[0], known[1], requestId));
  const status = fastifyError.statusCode ?? 500;
  if (status === 429)
    return sendProblem(reply, problemOf('rate_limited', 'Too many requests; slow down', requestId), 60);
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request';
    return sendProblem(reply, problemOf(code, titleOf[code], requestId));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problemOf('internal', 'Something went wrong on our side', requestId));
}
