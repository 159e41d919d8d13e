import { formatPhoneNumber } from './contact-points';

/** Numbers kept formatted: a busy agent's callers and texters over weeks, a few hundred KB. */
export const phoneFormatCacheCapacity = 10_000;

/**
 * `formatPhoneNumber` with a bounded least-recently-used cache: parsing a number with
 * libphonenumber costs microseconds, and a catch-up repeats the same numbers thousands of times
 * (a fifth of its time in a profile, issue 15). Past `capacity` the number used longest ago is
 * forgotten, one at a time, so a stream of new numbers never empties what is in use (a cache that
 * clears itself when full loses every hot number at once).
 */
export class PhoneFormatCache {
  // A Map keeps insertion order: deleting and setting again on a hit makes an entry the newest.
  readonly #formatted = new Map<string, string>();

  constructor(
    readonly capacity: number = phoneFormatCacheCapacity,
    readonly country: string | null = null,
  ) {}

  /** The number formatted for people (`formatPhoneNumber`), from the cache when it is there. */
  readonly format = (value: string): string => {
    const formatted = this.#formatted;
    const known = formatted.get(value);
    if (known !== undefined) {
      formatted.delete(value);
      formatted.set(value, known);
      return known;
    }
    const result = formatPhoneNumber(value, this.country);
    formatted.set(value, result);
    if (formatted.size > this.capacity) {
      const oldest = formatted.keys().next();
      if (!oldest.done) formatted.delete(oldest.value);
    }
    return result;
  };

  /** Whether `value` is held formatted now. */
  has(value: string): boolean {
    return this.#formatted.has(value);
  }

  get size(): number {
    return this.#formatted.size;
  }
}
