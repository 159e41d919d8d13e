import type { FastifyInstance } from 'fastify';

/**
 * How deep objects and arrays may sit inside one another in a request body. The deepest body
 * the API takes (a preferences or business-defaults PUT) nests 5 levels; a body 50,000 levels
 * deep would otherwise reach code that recurses (JSON.stringify for the Idempotency-Key hash,
 * zod) and overflow the stack, a 500 where a 400 belongs.
 */
export const maxBodyDepth = 32;

/** A body refused before it is parsed, with the 400 it answers. */
class BodyTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'RINGSIDE_BODY_TOO_DEEP';

  constructor() {
    super(`The body nests objects and arrays more than ${maxBodyDepth} levels deep`);
    this.name = 'BodyTooDeepError';
  }
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/**
 * Whether `text` opens more than `limit` objects or arrays inside one another. One pass over
 * the characters that builds nothing and keeps one counter, so no input can exhaust the stack;
 * brackets inside strings do not count. Text that is not JSON gets an answer too (the parser
 * then refuses it for what it is).
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charCodeAt(index);
    if (inString) {
      if (character === backslash) index += 1;
      else if (character === quote) inString = false;
    } else if (character === quote) {
      inString = true;
    } else if (character === openBrace || character === openBracket) {
      depth += 1;
      if (depth > limit) return true;
    } else if (character === closeBrace || character === closeBracket) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Replaces Fastify's JSON body parser with the same parser behind a depth check, so every route
 * that takes a body (today's and any added later) refuses a too-deep one with a 400 before it
 * is parsed. Everything else is Fastify's: the body limit (413), an empty or invalid body (400),
 * `__proto__` and `constructor.prototype` keys refused (400).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (nestsDeeperThan(text, maxBodyDepth)) {
      done(new BodyTooDeepError(), undefined);
      return;
    }
    // Fastify's own parser answers through `done`; it returns nothing to wait for.
    void parseJson(request, text, done);
  });
}
