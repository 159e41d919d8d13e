import { describe, expect, it } from 'vitest';
import { formatPhoneNumber } from './contact-points';
import { PhoneFormatCache } from './phone-format-cache';

describe('PhoneFormatCache', () => {
  it('formats as formatPhoneNumber does, for a country too', () => {
    const cache = new PhoneFormatCache(4);
    for (const value of ['+14155552671', '+442079460958', 'anonymous', '12', '+14155552671']) {
      expect(cache.format(value)).toBe(formatPhoneNumber(value));
    }
    expect(cache.size).toBe(4);
    expect(new PhoneFormatCache(4, 'US').format('+14155552671')).toBe('(415) 555-2671');
  });

  it('forgets the number used longest ago, one at a time, and keeps the ones in use', () => {
    const cache = new PhoneFormatCache(3);
    const hot = '+14155550001';
    cache.format(hot);
    for (let index = 0; index < 1_000; index++) {
      const fresh = `+1415555${String(1000 + index)}`;
      expect(cache.format(fresh)).toBe(formatPhoneNumber(fresh));
      // The hot number is used between every new one: never the oldest, never forgotten.
      expect(cache.format(hot)).toBe(formatPhoneNumber(hot));
      expect(cache.has(hot)).toBe(true);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    // The newest two new numbers are kept, the older ones went one by one.
    expect(cache.has('+14155551999')).toBe(true);
    expect(cache.has('+14155551998')).toBe(true);
    expect(cache.has('+14155551997')).toBe(false);
  });
});
