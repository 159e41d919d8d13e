import { describe, expect, it } from 'vitest';
import {
  countryOfNumber,
  e164For,
  formatPhoneNumber,
  phoneInputSchema,
  readPhoneNumber,
} from './contact-points';
import { parseWith } from './validation';

describe('phone numbers as people type them', () => {
  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415.555.2671', 'US', '+14155552671'],
    ['1 (415) 555-2671', 'US', '+14155552671'],
    ['+1 415 555 2671', 'US', '+14155552671'],
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+1 415 555 2671', null, '+14155552671'],
  ])('%s in a business of %s → %s', (typed, country, stored) => {
    expect(readPhoneNumber(typed, country, null)).toEqual({ ok: true, e164: stored });
  });

  it.each([
    ['(415) 555-2671', null, 'Start the number with + and the country code'],
    [
      '(555) 555-5555',
      'US',
      'Not a valid United States phone number; for another country, start with + and its code',
    ],
    ['+1 555 555 5555', 'US', 'Not a valid phone number'],
    ['+1 415 555 2671 415 555 2671 415 555 2671', 'US', 'A phone number is at most 40 characters'],
  ])('refuses %s (country %s): %s', (typed, country, message) => {
    expect(readPhoneNumber(typed, country, null)).toEqual({ ok: false, message });
  });

  it.each([
    ['+1 900 555 0123', 'This is a premium-rate number: it cannot receive texts'],
    ['1-900-555-0123', 'This is a premium-rate number: it cannot receive texts'],
    ['+44 909 879 0000', 'This is a premium-rate number: it cannot receive texts'],
    ['+1 800 555 0100', 'This is a toll-free number: it cannot receive texts; use a mobile number'],
    ['+44 20 7946 0958', 'This is a landline: it cannot receive texts; use a mobile number'],
  ])('a number texts cannot reach, %s, is refused with the reason', (typed, message) => {
    expect(readPhoneNumber(typed, 'US', 'textDestination')).toEqual({ ok: false, message });
  });

  it('a mobile-capable number is a text destination; a toll-free one may send but not receive', () => {
    expect(readPhoneNumber('(415) 555-2671', 'US', 'textDestination')).toEqual({
      ok: true,
      e164: '+14155552671',
    });
    expect(readPhoneNumber('+1 800 555 0100', 'US', 'textSender')).toEqual({
      ok: true,
      e164: '+18005550100',
    });
    expect(readPhoneNumber('+1 900 555 0123', 'US', 'textSender')).toEqual({
      ok: false,
      message: 'This is a premium-rate number: it cannot send alert texts',
    });
  });

  it("the window's field schema and the stored form agree", () => {
    const field = phoneInputSchema('US', 'textDestination');
    expect(field.parse(' (415) 555-2671 ')).toBe('+14155552671');
    const refused = parseWith(field, '+1 900 555 0123');
    expect(refused.ok ? null : refused.message).toBe(
      '(root): This is a premium-rate number: it cannot receive texts',
    );
    expect(e164For('textDestination').safeParse('+14155552671').success).toBe(true);
    expect(e164For('textDestination').safeParse('+19005550123').success).toBe(false);
    expect(e164For('textDestination').safeParse('(415) 555-2671').success).toBe(false);
  });

  it('shows numbers the national way in their own country, the international way elsewhere', () => {
    expect(formatPhoneNumber('+14155552671', 'US')).toBe('(415) 555-2671');
    expect(formatPhoneNumber('+14155552671', 'GB')).toBe('+1 415 555 2671');
    expect(formatPhoneNumber('+14155552671')).toBe('+1 415 555 2671');
    expect(formatPhoneNumber('not a number', 'US')).toBe('not a number');
    expect(countryOfNumber('+442079460958')).toBe('GB');
    expect(countryOfNumber('nonsense')).toBeNull();
  });
});
