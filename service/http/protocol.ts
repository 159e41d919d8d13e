import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseWith, protocolHeader } from '../../common';
import { refuseInvalid } from './refusal';
import { headerValue } from './request';

declare module 'fastify' {
  interface FastifyRequest {
    /** The protocol the caller speaks (`X-Ringside-Protocol`); 2 when it said none. */
    callerProtocol: number;
  }
}

/** What a caller that sends no `X-Ringside-Protocol` speaks: companions before issue 13. */
export const protocolWithoutHeader = 2;

const protocolValueSchema = z.coerce.number().int().min(1).max(1000);

/**
 * Reads `X-Ringside-Protocol` on every request (400 when it is not a number from 1 to 1000), so
 * routes answer each caller in the protocol it reads: version-1 settings documents and outcomes
 * without held deliveries for a caller of protocol 2 or less.
 */
export function registerProtocolHeader(app: FastifyInstance): void {
  app.decorateRequest('callerProtocol', protocolWithoutHeader);
  app.addHook('onRequest', async (request, reply) => {
    const header = headerValue(request, protocolHeader);
    if (header === undefined) return undefined;
    const parsed = parseWith(protocolValueSchema, header.trim() === '' ? 'none' : header);
    if (!parsed.ok) {
      return refuseInvalid(reply, [
        { path: 'X-Ringside-Protocol', message: 'A whole number from 1 to 1000' },
      ]);
    }
    request.callerProtocol = parsed.value;
    return undefined;
  });
}

/** The protocol the caller of `request` speaks. */
export function protocolOf(request: FastifyRequest): number {
  return request.callerProtocol;
}
