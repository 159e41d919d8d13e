import { z } from 'zod';
import {
  describeFieldErrorsInline,
  eventBodies,
  eventKinds,
  parseWith,
  prefixFieldErrors,
  type EventKind,
  type ParseResult,
} from '../common';
import type { EventBody } from './event-hub';

/** The body schema of one event kind, as injected: `kind` plus its fields, nothing else. */
export function eventBodySchemaOf(kind: EventKind) {
  return z.strictObject({ kind: z.literal(kind), ...eventBodies[kind] });
}

/**
 * Validates an event body against the schema of its kind; invalid fields are named with the
 * `event.` prefix, as POST /api/events answers them.
 */
export function parseEventBody(input: unknown): ParseResult<EventBody> {
  const kind =
    typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !(eventKinds as string[]).includes(kind)) {
    const errors = [{ path: 'event.kind', message: `Expected one of ${eventKinds.join(', ')}` }];
    return { ok: false, errors, message: describeFieldErrorsInline(errors) };
  }
  const parsed = parseWith(eventBodySchemaOf(kind as EventKind), input);
  if (parsed.ok) return { ok: true, value: parsed.value };
  const errors = prefixFieldErrors(parsed.errors, 'event');
  return { ok: false, errors, message: describeFieldErrorsInline(errors) };
}
