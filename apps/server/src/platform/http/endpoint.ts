import type { Readable } from 'node:stream';
import { type Access, type EndpointContract, permissions, problemSchema } from '@custodian/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { hasPermission, type RequestContext } from '../access.js';
import { AppError } from './errors.js';

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;
type SuccessStatus<C extends EndpointContract> = Extract<keyof C['response'], 200 | 201 | 202 | 204>;
type SuccessBody<C extends EndpointContract> = C['response'][SuccessStatus<C>] extends z.ZodType
  ? z.output<C['response'][SuccessStatus<C>]>
  : never;

export interface EndpointInput<C extends EndpointContract> {
  params: Parsed<C['params']>;
  query: Parsed<C['querystring']>;
  body: Parsed<C['body']>;
  ctx: RequestContext;
  request: FastifyRequest;
  reply: FastifyReply;
}

export type EndpointHandler<C extends EndpointContract> = (
  input: EndpointInput<C>,
) => Promise<SuccessBody<C>>;

/** A handler whose answer is a download: a byte stream sent as it is produced, not serialised. */
export type StreamHandler<C extends EndpointContract> = (input: EndpointInput<C>) => Promise<Readable>;

export interface EndpointOptions {
  rateLimit?: { max: number; timeWindow: number };
  /**
   * The success answer is written with JSON.stringify, without the zod pass over it that every other answer gets.
   * Only for answers of up to 100,000 items that the handler builds field by field from typed values: there the pass
   * re-checked every id just read from the database (0.1-0.25 s for the processing guard over 100,000 people, a
   * fifth of its time). The contract still documents the answer, and the endpoint's tests check answers against it.
   */
  unvalidatedAnswer?: true;
}

/**
 * Resolves who is calling (session cookie with CSRF check on writes, or bearer token) and records
 * refusals. Provided by the auth module; the HTTP platform only knows this interface.
 */
export interface Authenticator {
  authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { publicEndpoint: boolean },
  ): Promise<RequestContext>;
  recordDenied(ctx: RequestContext, contract: EndpointContract): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticator: Authenticator;
  }
  interface FastifyRequest {
    /** Who is calling and why; set by every registered endpoint before its handler runs. */
    ctx: RequestContext;
  }
}

/** Whether a contract names who may call it: a contract built without `access` (or with an unknown one) is refused. */
function declaresKnownAccess(contract: EndpointContract): boolean {
  const access = (contract as { access?: Partial<Access> & { permission?: unknown } }).access;
  if (!access) return false;
  if (access.kind === 'public' || access.kind === 'authenticated' || access.kind === 'session') return true;
  return access.kind === 'permission' && (permissions as readonly unknown[]).includes(access.permission);
}

function describeAccess(contract: EndpointContract): string {
  const a = contract.access;
  if (a.kind === 'public') return 'Public.';
  if (a.kind === 'authenticated') return 'Any signed-in user or API token.';
  if (a.kind === 'session') return 'A signed-in user only; API tokens are refused.';
  return `Requires the permission \`${a.permission}\`.`;
}

/** Registers one endpoint from its contract: validation in and out, authentication, permission, errors. */
export function registerEndpoint<C extends EndpointContract>(
  app: FastifyInstance,
  contract: C,
  handler: EndpointHandler<C>,
  options?: EndpointOptions,
): void;
/**
 * A streamed answer of the given media type: the success schema only documents it (a stream is never
 * serialised). Errors raised before the handler returns the stream are problem+json as usual.
 */
export function registerEndpoint<C extends EndpointContract>(
  app: FastifyInstance,
  contract: C,
  handler: StreamHandler<C>,
  options: EndpointOptions & { stream: string },
): void;
export function registerEndpoint<C extends EndpointContract>(
  app: FastifyInstance,
  contract: C,
  handler: EndpointHandler<C> | StreamHandler<C>,
  options: EndpointOptions & { stream?: string } = {},
): void {
  if (!declaresKnownAccess(contract))
    throw new Error(
      `${contract.method} ${contract.path} declares no access (public, authenticated, session or a permission)`,
    );
  const statuses = Object.keys(contract.response).map(Number);
  const success = statuses.find((s) => s >= 200 && s < 300);
  if (success === undefined)
    throw new Error(`${contract.method} ${contract.path} declares no success response`);
  const access = contract.access;
  const stream = options.stream;
  const takesForms = stream?.startsWith('text/html') ?? false;
  // A session-only endpoint documents no bearer scheme: a token is refused there.
  const security: Record<string, string[]>[] =
    access.kind === 'session' ? [{ session: [] }] : [{ session: [] }, { bearer: [] }];
  const response: Record<string, unknown> = { ...contract.response };
  if (stream)
    response[success] = { content: { [stream.split(';')[0]!]: { schema: contract.response[success] } } };

  app.route({
    method: contract.method,
    url: contract.path,
    ...(options.rateLimit ? { config: { rateLimit: options.rateLimit } } : {}),
    ...(options.unvalidatedAnswer
      ? {
          serializerCompiler: (route: { httpStatus?: string }) =>
            Number(route.httpStatus) === success
              ? (data: unknown) => JSON.stringify(data)
              : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]),
        }
      : {}),
    schema: {
      summary: contract.summary,
      description: describeAccess(contract),
      tags: [...contract.tags],
      ...(access.kind === 'public' ? {} : { security }),
      ...(contract.params ? { params: contract.params } : {}),
      ...(contract.querystring ? { querystring: contract.querystring } : {}),
      ...(contract.body ? { body: contract.body } : {}),
      response: { ...response, '4xx': problemSchema, '5xx': problemSchema },
      'x-permission': access.kind === 'permission' ? access.permission : access.kind,
    },
    // Authentication and permission run before the body is even parsed: a caller without the right
    // learns nothing from validation errors, and anonymous bodies are never processed.
    onRequest: async (request, reply) => {
      // Another site's HTML form can post urlencoded fields here without asking (no CORS preflight), as it cannot
      // post JSON: only the pages made for forms take them, so no form elsewhere signs a browser in (login CSRF).
      if (
        !takesForms &&
        /^\s*application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')
      )
        throw new AppError('unsupported_media_type', 'The request body must be application/json');
      const ctx = await app.authenticator.authenticate(request, reply, {
        publicEndpoint: access.kind === 'public',
      });
      if (access.kind !== 'public' && ctx.actor.kind === 'anonymous') {
        throw new AppError('unauthenticated', 'Sign in or send an API token');
      }
      if (access.kind === 'session' && ctx.actor.kind !== 'user') {
        await app.authenticator.recordDenied(ctx, contract);
        throw new AppError('forbidden', 'Sign in with a password to do this: API tokens cannot');
      }
      if (access.kind === 'permission' && !hasPermission(ctx.actor, access.permission)) {
        await app.authenticator.recordDenied(ctx, contract);
        throw new AppError('forbidden', 'You do not have permission to do this');
      }
      request.ctx = ctx;
    },
    handler: async (request, reply): Promise<unknown> => {
      const ctx = request.ctx;
      const result = await handler({
        params: request.params as Parsed<C['params']>,
        query: request.query as Parsed<C['querystring']>,
        body: request.body as Parsed<C['body']>,
        ctx,
        request,
        reply,
      });
      // A stream handler may answer with its own status (a page explaining an error to a person).
      if (!stream || reply.statusCode === 200) reply.code(success);
      if (stream) reply.type(stream);
      if (success === 204) return reply.send(null);
      return result;
    },
  });
}
