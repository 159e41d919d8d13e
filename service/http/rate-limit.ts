import type { Clock } from '../clock';

/** At most `limit` within `windowMilliseconds`, per subject (and per scope, when `perScope`). */
export interface RateRule {
  limit: number;
  windowMilliseconds: number;
  /** Counted per subject and scope (a user's channel) rather than per subject (a user). */
  perScope: boolean;
  /** What the rule allows, in words: "one test notification per channel every 10 seconds". */
  allows: string;
}

export type RateVerdict =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: string };

function inWords(milliseconds: number): string {
  const seconds = Math.ceil(milliseconds / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/**
 * Sliding-window limits, in memory (a restart forgets them: they stop floods, not a patient
 * caller). `check` says whether one more is allowed under every rule; only `count` uses one up,
 * so an attempt that reached nobody costs nothing.
 */
export class RateLimiter {
  readonly #times = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: readonly RateRule[],
  ) {}

  check(subject: string, scope: string): RateVerdict {
    const now = this.clock.now();
    for (const [index, rule] of this.rules.entries()) {
      const name = this.#name(index, rule, subject, scope);
      const times = (this.#times.get(name) ?? []).filter(
        (time) => now - time < rule.windowMilliseconds,
      );
      if (times.length === 0) this.#times.delete(name);
      else this.#times.set(name, times);
      if (times.length < rule.limit) continue;
      const oldest = times[times.length - rule.limit] ?? now;
      const wait = Math.max(1, oldest + rule.windowMilliseconds - now);
      return {
        allowed: false,
        retryAfterSeconds: Math.ceil(wait / 1000),
        reason: `You can send ${rule.allows}; try again in ${inWords(wait)}`,
      };
    }
    return { allowed: true };
  }

  count(subject: string, scope: string): void {
    const now = this.clock.now();
    for (const [index, rule] of this.rules.entries()) {
      const name = this.#name(index, rule, subject, scope);
      this.#times.set(name, [...(this.#times.get(name) ?? []), now]);
    }
  }

  #name(index: number, rule: RateRule, subject: string, scope: string): string {
    return rule.perScope ? `${index}\u0000${subject}\u0000${scope}` : `${index}\u0000${subject}`;
  }
}
