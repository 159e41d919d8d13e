import type { z } from 'zod';

/** One invalid field: its dotted path ("channels.email.address") and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

export type ParseResult<Value> =
  { ok: true; value: Value } | { ok: false; errors: FieldError[]; message: string };

/**
 * One `FieldError` per invalid field. An unknown key is named by its own path ("channels.fax")
 * rather than its parent's, so the person sees which field to remove.
 */
export function describeFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const pathOf = (segments: readonly PropertyKey[]) => segments.map(String).join('.') || '(root)';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

/** The one-line form of field errors: "path: message; path: message". */
export function describeFieldErrorsInline(errors: readonly FieldError[]): string {
  return errors.map((error) => `${error.path}: ${error.message}`).join('; ');
}

/** The same errors named under `prefix` ("event" + "body" → "event.body"; the root → "event"). */
export function prefixFieldErrors(errors: readonly FieldError[], prefix: string): FieldError[] {
  return errors.map((error) => ({
    path: error.path === '(root)' ? prefix : `${prefix}.${error.path}`,
    message: error.message,
  }));
}

/**
 * Parses untrusted input (JSON from the socket, an HTTP body, an IPC argument) and, when it is
 * invalid, names every invalid field in one readable message rather than throwing.
 */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): ParseResult<z.output<Schema>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const errors = describeFieldErrors(result.error.issues);
  return {
    ok: false,
    errors,
    message: describeFieldErrorsInline(errors),
  };
}
