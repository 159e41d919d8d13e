import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  deviceNameHeader,
  deviceNameSchema,
  idSchema,
  parseWith,
  type ChangedBy,
  type ParseResult,
} from '../../common';
import type { Versioned } from '../store';
import { refuse, refuseInvalid } from './refusal';
import { headerValue, userOf, type HttpApiDependencies } from './request';

/** The ETag of a document version: `"7"`. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * `"7"`, `W/"7"` or a bare `7` → 7; `*` → 'any'; anything else (a list, an unbalanced quote, a
 * number beyond 15 digits) → null, which matches no version and so answers 412 like a stale one.
 */
function parseIfMatch(value: string): number | 'any' | null {
  const trimmed = value.trim();
  if (trimmed === '*') return 'any';
  const match = /^(?:(?:W\/)?"(\d{1,15})"|(\d{1,15}))$/.exec(trimmed);
  const digits = match?.[1] ?? match?.[2];
  return digits === undefined ? null : Number(digits);
}

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'Idempotency keys are printable ASCII without spaces');

/**
 * What identifies a request for its Idempotency-Key: the route and the parsed body. The body
 * parser refuses bodies nested deeper than `maxBodyDepth`, so `JSON.stringify` (which recurses)
 * never meets a body that could exhaust the stack.
 */
function requestHashOf(request: FastifyRequest): string {
  const hash = createHash('sha256').update(
    `${request.method} ${request.routeOptions.url ?? request.url}\n`,
  );
  // A route with parameters (a member's preferences) names its target in them: one key sent
  // for two members is two requests. Routes without parameters keep the hashes they stored.
  const parameters = request.params as Record<string, unknown> | undefined;
  if (parameters && Object.keys(parameters).length > 0) {
    hash.update(`${JSON.stringify(parameters)}\n`);
  }
  return hash.update(JSON.stringify(request.body ?? null)).digest('hex');
}

/** How one document is read, checked, written and announced by its PUT route. */
export interface VersionedPut<Document> {
  target: 'preferences' | 'businessDefaults';
  /** Whose document it is, as recorded in applied changes: the caller unless an admin writes a member's. */
  ownerUserId?: string;
  /** A refusal when the caller may not write this document at all; checked before anything else. */
  mayWrite: () => string | null;
  parse: (body: unknown) => ParseResult<Document>;
  current: () => Versioned<Document>;
  /** A refusal that depends on what changes (role rules), checked against the current document. */
  mayChange: (current: Document, next: Document) => string | null;
  /** Stores the document and returns its new version. */
  write: (next: Document) => number;
  answer: (version: number, document: Document) => unknown;
  /**
   * Pushes after the change is committed; `changedBy` is the caller and the time it applied,
   * `deviceName` the writing device's `X-Device-Name` (null when it sent none).
   */
  announce: (
    version: number,
    document: Document,
    deviceId: string | null,
    changedBy: ChangedBy,
    deviceName: string | null,
  ) => void;
}

/**
 * PUT with optimistic concurrency and exactly-once application. The order matters: an
 * Idempotency-Key seen before answers with the stored first response before If-Match is looked
 * at (a retry after a lost response carries a now-stale If-Match); everything from the check
 * to the commit is synchronous, so two requests cannot interleave.
 */
export function versionedPut<Document>(
  request: FastifyRequest,
  reply: FastifyReply,
  dependencies: HttpApiDependencies,
  spec: VersionedPut<Document>,
): FastifyReply {
  const { store } = dependencies;
  const user = userOf(request);
  const refusal = spec.mayWrite();
  if (refusal) return refuse(reply, 'forbidden', refusal);

  const deviceHeader = headerValue(request, 'x-device-id');
  let deviceId: string | null = null;
  if (deviceHeader !== undefined) {
    const parsed = parseWith(idSchema, deviceHeader);
    if (!parsed.ok) return refuseInvalid(reply, parsed.errors, 'X-Device-Id');
    deviceId = parsed.value;
  }

  const nameHeader = headerValue(request, deviceNameHeader);
  let deviceName: string | null = null;
  if (nameHeader !== undefined) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(nameHeader);
    } catch {
      decoded = '';
    }
    // A name is a courtesy to the owner's other devices: one that does not read as a name is
    // left out (their notice says "on another device"), never a reason to refuse the write.
    const parsed = parseWith(deviceNameSchema, decoded);
    deviceName = parsed.ok ? parsed.value : null;
  }

  const keyHeader = headerValue(request, 'idempotency-key');
  let idempotency: { key: string; requestHash: string } | null = null;
  if (keyHeader !== undefined) {
    const parsed = parseWith(idempotencyKeySchema, keyHeader);
    if (!parsed.ok) return refuseInvalid(reply, parsed.errors, 'Idempotency-Key');
    idempotency = { key: parsed.value, requestHash: requestHashOf(request) };
    const stored = store.idempotentResponse(user.id, idempotency.key);
    if (stored) {
      if (stored.requestHash !== idempotency.requestHash) {
        return refuse(
          reply,
          'conflict',
          'This Idempotency-Key was already used for a different request',
        );
      }
      if (stored.etag) void reply.header('etag', stored.etag);
      return reply
        .code(stored.status)
        .header('idempotent-replayed', 'true')
        .type('application/json')
        .send(stored.body);
    }
  }

  const parsed = spec.parse(request.body);
  if (!parsed.ok) return refuseInvalid(reply, parsed.errors);

  const ifMatchHeader = headerValue(request, 'if-match');
  if (ifMatchHeader === undefined) {
    return refuse(reply, 'preconditionRequired', 'Send If-Match with the version you edited');
  }
  const current = spec.current();
  const ifMatch = parseIfMatch(ifMatchHeader);
  if (ifMatch !== 'any' && ifMatch !== current.version) {
    void reply.header('etag', etagOf(current.version));
    return refuse(
      reply,
      'preconditionFailed',
      `Changed elsewhere: the current version is ${current.version}`,
      { current: current.version },
    );
  }
  const changeRefusal = spec.mayChange(current.document, parsed.value);
  if (changeRefusal) return refuse(reply, 'forbidden', changeRefusal);

  const at = new Date(dependencies.clock.now()).toISOString();
  const { version, body } = store.transaction(() => {
    const version = spec.write(parsed.value);
    const body = JSON.stringify(spec.answer(version, parsed.value));
    store.recordAppliedChange({
      userId: spec.ownerUserId ?? user.id,
      target: spec.target,
      version,
      idempotencyKey: idempotency?.key ?? null,
      appliedAt: at,
      actor: { userId: user.id, name: user.name },
      device: { id: deviceId, name: deviceName },
    });
    if (idempotency) {
      store.recordIdempotentResponse(
        user.id,
        idempotency.key,
        { requestHash: idempotency.requestHash, status: 200, etag: etagOf(version), body },
        at,
      );
    }
    return { version, body };
  });
  spec.announce(
    version,
    parsed.value,
    deviceId,
    { userId: user.id, name: user.name, at },
    deviceName,
  );
  return reply.code(200).header('etag', etagOf(version)).type('application/json').send(body);
}
