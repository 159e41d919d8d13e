import { isValidPhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * A phone number as people type it ("+1 415 555 2671"), checked with libphonenumber-js's full
 * validation (not parsing alone: "+1 555 555 5555" parses but is not a real number) and stored as
 * E.164. Numbers without a country code are refused rather than guessed.
 */
export const phoneNumberSchema = z
  .string()
  .trim()
  // `abort`: one clear message per number, not every later check failing after the first.
  .max(40, { message: 'A phone number is at most 40 characters', abort: true })
  .refine((value) => value.startsWith('+'), {
    message: 'Start the number with + and the country code',
    abort: true,
  })
  .refine((value) => isValidPhoneNumber(value), 'Not a valid phone number')
  .transform((value) => parsePhoneNumberWithError(value).number);

/** A number already in E.164 form, as stored and sent on the wire. */
export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, {
    message: 'Expected an E.164 phone number such as +14155552671',
    abort: true,
  })
  .refine((value) => isValidPhoneNumber(value), 'Not a valid phone number');

export const emailAddressSchema = z
  .string()
  .trim()
  .max(254, 'An email address is at most 254 characters')
  .pipe(z.email('Not a valid email address'));

/** Formats an E.164 number for people: "+1 415 555 2671"; anything unparsable comes back as is. */
export function formatPhoneNumber(value: string): string {
  try {
    return parsePhoneNumberWithError(value).formatInternational();
  } catch {
    return value;
  }
}
