import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  describeFieldErrorsInline,
  prefixFieldErrors,
  type ApiError,
  type FieldError,
} from '../../common';

/** The machine code of a refusal (`apiErrorSchema`'s `error`). */
export type RefusalCode = ApiError['error'];

/** The HTTP status each refusal code answers with, unless the refusal names another. */
export const statusOfRefusal: Readonly<Record<RefusalCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  invalid: 400,
  notFound: 404,
  preconditionFailed: 412,
  preconditionRequired: 428,
  conflict: 409,
  rateLimited: 429,
  internal: 500,
};

/** What a refusal may carry besides its code and reason. */
export interface RefusalDetails {
  /** For `invalid`: each invalid field's dotted path and message. */
  fields?: FieldError[];
  /** For `preconditionFailed`: the version the document is at now. */
  current?: number;
  /** For `rateLimited`: seconds until one more is allowed, also sent as Retry-After. */
  retryAfterSeconds?: number;
  /** Another 4xx than the code's own (Fastify's 413 and 415 answer with `invalid`). */
  status?: number;
}

/**
 * Answers a refusal: the one place an `apiErrorSchema` body is built, for every route, the auth
 * hook, unknown routes and errors thrown while handling a request.
 */
export function refuse(
  reply: FastifyReply,
  code: RefusalCode,
  reason: string,
  details: RefusalDetails = {},
): FastifyReply {
  const { status = statusOfRefusal[code], ...extra } = details;
  const body: ApiError = { error: code, reason, ...extra };
  if (extra.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(extra.retryAfterSeconds));
  }
  return reply.code(status).type('application/json').send(body);
}

/** A 400 `invalid` naming each invalid field; `prefix` names where they sit ("X-Device-Id"). */
export function refuseInvalid(
  reply: FastifyReply,
  fields: FieldError[],
  prefix = '',
): FastifyReply {
  const named = prefix ? prefixFieldErrors(fields, prefix) : fields;
  return refuse(reply, 'invalid', describeFieldErrorsInline(named), { fields: named });
}

/** The refusal code of a 4xx status Fastify (or the body parser) answers with on its own. */
function codeOfStatus(status: number): RefusalCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'notFound';
    case 409:
      return 'conflict';
    case 429:
      return 'rateLimited';
    default:
      return 'invalid';
  }
}

/**
 * Answers an error thrown while handling a request. A 4xx (bad or empty JSON, a body too large
 * or too deep, an unsupported content type) keeps its status and says what was wrong; anything
 * else is the service's own fault: logged, and answered 500 without its details.
 */
export function refuseThrown(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error(error);
    return refuse(reply, 'internal', 'The service failed to handle this request');
  }
  return refuse(reply, codeOfStatus(status), error.message, { status });
}

/** Answers a request no route matches. */
export function refuseUnknownRoute(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return refuse(reply, 'notFound', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`);
}
