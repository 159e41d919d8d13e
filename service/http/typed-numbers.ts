import {
  describeFieldErrorsInline,
  readPhoneNumber,
  type FieldError,
  type ParseResult,
  type PhonePurpose,
} from '../../common';

/**
 * Reads a phone number as people type it ("(415) 555-2671" in a US business, or with + and a
 * country code) at `path` of `body` (a copy of the request's), replacing it in place with its
 * E.164 form. Returns the field's error when it is not a number that can serve `purpose`; a value
 * that is not a string, or a missing one, is left to the schema.
 */
export function readTypedNumber(
  body: unknown,
  path: readonly string[],
  country: string,
  purpose: PhonePurpose,
): FieldError | null {
  let holder: unknown = body;
  for (const segment of path.slice(0, -1)) {
    if (typeof holder !== 'object' || holder === null) return null;
    holder = (holder as Record<string, unknown>)[segment];
  }
  const last = path.at(-1);
  if (typeof holder !== 'object' || holder === null || last === undefined) return null;
  const fields = holder as Record<string, unknown>;
  const typed = fields[last];
  if (typeof typed !== 'string') return null;
  const reading = readPhoneNumber(typed, country, purpose);
  if (reading.ok) {
    fields[last] = reading.e164;
    return null;
  }
  return { path: path.join('.'), message: reading.message };
}

/**
 * `result` with a typed number's error in it: the number's own sentence replaces whatever the
 * schema said about that field, beside every other invalid field.
 */
export function withNumberError<Value>(
  result: ParseResult<Value>,
  error: FieldError | null,
): ParseResult<Value> {
  if (error === null) return result;
  const others = result.ok ? [] : result.errors.filter((each) => each.path !== error.path);
  const errors = [...others, error];
  return { ok: false, errors, message: describeFieldErrorsInline(errors) };
}
