import {
  isSupportedCountry,
  isValidPhoneNumber,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
  type PhoneNumberType,
} from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * Phone numbers and email addresses as people type them. Numbers are read with
 * libphonenumber-js's full ("max") metadata: full validation (not parsing alone: "+1 555 555
 * 5555" parses but is not a real number) and the number's type, so a premium-rate number is
 * refused with the reason rather than stored and texted at the business's cost. The metadata
 * costs the settings window about 20 KB gzipped (`npm run bench`, renderer size), which buys the
 * same checks, and the same words, in the window, the core and the service.
 */

/** A country as ISO 3166-1 alpha-2 ("US"), one libphonenumber-js knows. */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'A country is two capital letters, such as US', abort: true })
  .refine(
    (value): boolean => isSupportedCountry(value),
    'Not a country with phone numbers we know',
  );

/** What a number is for: where texts go (a person's phone) or where they come from (a business). */
export type PhonePurpose = 'textDestination' | 'textSender';

/**
 * Number types that cannot be the purpose, and why. Unknown types (libphonenumber-js has no
 * type data for some ranges) are accepted: refusing a valid number on a guess costs more.
 */
const refusedTypes: Record<PhonePurpose, Partial<Record<PhoneNumberType, string>>> = {
  textDestination: {
    PREMIUM_RATE: 'This is a premium-rate number: it cannot receive texts',
    SHARED_COST: 'This is a shared-cost number: it cannot receive texts',
    TOLL_FREE: 'This is a toll-free number: it cannot receive texts; use a mobile number',
    FIXED_LINE: 'This is a landline: it cannot receive texts; use a mobile number',
    UAN: 'This is a company switchboard number: it cannot receive texts',
    PAGER: 'This is a pager number: it cannot receive texts',
    VOICEMAIL: 'This is a voicemail access number: it cannot receive texts',
  },
  textSender: {
    PREMIUM_RATE: 'This is a premium-rate number: it cannot send alert texts',
    SHARED_COST: 'This is a shared-cost number: it cannot send alert texts',
    PAGER: 'This is a pager number: it cannot send alert texts',
    VOICEMAIL: 'This is a voicemail access number: it cannot send alert texts',
  },
};

/** "United States" for "US" (the code itself where the runtime has no name for it). */
function regionName(country: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/** A number read from what a person typed: E.164 to store, or why it cannot be used. */
export type PhoneReading = { ok: true; e164: string } | { ok: false; message: string };

function refusalOf(number: PhoneNumber, purpose: PhonePurpose | null): string | null {
  if (purpose === null) return null;
  const type = number.getType();
  return type === undefined ? null : (refusedTypes[purpose][type] ?? null);
}

/**
 * Reads a number as people type it: international ("+1 415 555 2671", "+44 20 7946 0958") or
 * national in `country` ("(415) 555-2671" in a US business). Valid numbers only; with a
 * `purpose`, types that cannot serve it are refused with the reason.
 */
export function readPhoneNumber(
  input: string,
  country: string | null,
  purpose: PhonePurpose | null,
): PhoneReading {
  const text = input.trim();
  if (text.length > 40) return { ok: false, message: 'A phone number is at most 40 characters' };
  const international = text.startsWith('+');
  const defaultCountry: CountryCode | undefined =
    country !== null && isSupportedCountry(country) ? country : undefined;
  if (!international && defaultCountry === undefined) {
    return { ok: false, message: 'Start the number with + and the country code' };
  }
  const number = parsePhoneNumberFromString(text, defaultCountry);
  if (!number?.isValid()) {
    return {
      ok: false,
      message:
        international || defaultCountry === undefined
          ? 'Not a valid phone number'
          : `Not a valid ${regionName(defaultCountry)} phone number; for another country, start with + and its code`,
    };
  }
  const refusal = refusalOf(number, purpose);
  return refusal === null ? { ok: true, e164: number.number } : { ok: false, message: refusal };
}

/**
 * A typed number → E.164, for a text field: national numbers in `country` (null: international
 * only), refused for `purpose` with the reason. The window validates with it as people type;
 * the service reads PUT bodies with it.
 */
export function phoneInputSchema(country: string | null, purpose: PhonePurpose | null) {
  return z.string().transform((value, context) => {
    const reading = readPhoneNumber(value, country, purpose);
    if (reading.ok) return reading.e164;
    context.addIssue({ code: 'custom', message: reading.message });
    return z.NEVER;
  });
}

/** A number typed with its country code ("+1 415 555 2671") → E.164; no purpose checked. */
export const phoneNumberSchema = phoneInputSchema(null, null);

/** A number already in E.164 form, as stored and sent on the wire. */
export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, {
    message: 'Expected an E.164 phone number such as +14155552671',
    abort: true,
  })
  .refine((value) => isValidPhoneNumber(value), 'Not a valid phone number');

/** An E.164 number that can serve `purpose` (stored custom SMS numbers, the business phone). */
export function e164For(purpose: PhonePurpose) {
  return e164Schema.superRefine((value, context) => {
    const number = parsePhoneNumberFromString(value);
    const refusal = number ? refusalOf(number, purpose) : null;
    if (refusal !== null) context.addIssue({ code: 'custom', message: refusal });
  });
}

export const emailAddressSchema = z
  .string()
  .trim()
  .max(254, 'An email address is at most 254 characters')
  .pipe(z.email('Not a valid email address'));

/**
 * Formats an E.164 number for people: national in `country` ("(415) 555-2671" for a US number
 * in a US business), international otherwise ("+44 20 7946 0958"); anything unparsable comes
 * back as is.
 */
export function formatPhoneNumber(value: string, country: string | null = null): string {
  const number = parsePhoneNumberFromString(value);
  if (!number) return value;
  return country !== null && number.country === country
    ? number.formatNational()
    : number.formatInternational();
}

/** The country of an E.164 number ("+14155552671" → "US"), or null when it has none. */
export function countryOfNumber(value: string): string | null {
  return parsePhoneNumberFromString(value)?.country ?? null;
}
