import { nextQuietBoundary, type UserPreferences } from '../../../common';
import type { Clock, TimerHandle } from '../ports';

/** A mute or do-not-disturb that has just run out. */
export type MuteExpiry =
  { kind: 'lineMute'; lineId: string; until: number } | { kind: 'doNotDisturb'; until: number };

export interface MuteExpiryWatcherOptions {
  clock: Clock;
  /** Longest a single timer is trusted before re-checking (sleep, clock drift). Default 5 min. */
  maxTimerMilliseconds?: number;
}

function keyOf(expiry: MuteExpiry): string {
  return expiry.kind === 'lineMute'
    ? `line:${expiry.lineId}:${expiry.until}`
    : `dnd:${expiry.until}`;
}

/**
 * Tells its listeners the moment a line mute or do-not-disturb of the current preferences runs
 * out (to the second), and the moment quiet hours start or end, so the tray and the window
 * re-render; whether an alert is muted is the policy engine's call, not this class's. Re-planned
 * on every `update(preferences)` and on `replan()` (resume, clock jump); an expiry passed during
 * sleep is reported at the re-plan, and quiet-hours boundaries passed during sleep once.
 */
export class MuteExpiryWatcher {
  readonly #clock: Clock;
  readonly #maxTimer: number;
  readonly #listeners = new Set<(expiry: MuteExpiry) => void>();
  readonly #quietListeners = new Set<(at: number) => void>();
  /** Expiries already reported, so a re-plan never reports one twice. */
  readonly #reported = new Set<string>();
  #expiries: MuteExpiry[] = [];
  #quietHours: Pick<UserPreferences, 'quietHours' | 'timeZone'> | null = null;
  /** The next quiet-hours start or end not yet reported. */
  #quietBoundary: number | null = null;
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(options: MuteExpiryWatcherOptions) {
    this.#clock = options.clock;
    this.#maxTimer = options.maxTimerMilliseconds ?? 5 * 60_000;
  }

  /** Listens for expiries; returns the function that stops listening. */
  onExpiry(listener: (expiry: MuteExpiry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Listens for quiet hours starting or ending (the boundary's instant); returns the function
   * that stops listening.
   */
  onQuietBoundary(listener: (at: number) => void): () => void {
    this.#quietListeners.add(listener);
    return () => this.#quietListeners.delete(listener);
  }

  /** Takes the current preferences (at start and whenever they change) and re-plans. */
  update(preferences: UserPreferences): void {
    const now = this.#clock.now();
    const expiries: MuteExpiry[] = [];
    for (const mute of preferences.mutes.lines) {
      const until = mute.until === null ? Number.NaN : Date.parse(mute.until);
      if (Number.isFinite(until)) expiries.push({ kind: 'lineMute', lineId: mute.lineId, until });
    }
    const dnd = preferences.mutes.doNotDisturb;
    const dndUntil = dnd.until === null ? Number.NaN : Date.parse(dnd.until);
    if (dnd.enabled && Number.isFinite(dndUntil)) {
      expiries.push({ kind: 'doNotDisturb', until: dndUntil });
    }
    // Ends already past when the preferences arrive are not news: they never were in force here.
    for (const expiry of expiries) if (expiry.until <= now) this.#reported.add(keyOf(expiry));
    const current = new Set(expiries.map(keyOf));
    for (const key of this.#reported) if (!current.has(key)) this.#reported.delete(key);
    this.#expiries = expiries.sort((left, right) => left.until - right.until);
    this.#quietHours = { quietHours: preferences.quietHours, timeZone: preferences.timeZone };
    this.#quietBoundary = this.#nextQuietBoundary(now);
    this.#stopped = false;
    this.#plan();
  }

  /** After resume or a clock jump: reports what ran out meanwhile and re-arms. Idempotent. */
  replan(): void {
    if (!this.#stopped) this.#plan();
  }

  /** The next instant something runs out, or null (tests, the tray's "until" text). */
  nextExpiryAt(): number | null {
    return this.#expiries.find((expiry) => !this.#reported.has(keyOf(expiry)))?.until ?? null;
  }

  /** The next instant quiet hours start or end, or null when they are off. */
  nextQuietBoundaryAt(): number | null {
    return this.#quietBoundary;
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  #plan(): void {
    this.#clearTimer();
    const now = this.#clock.now();
    const expired: MuteExpiry[] = [];
    for (const expiry of this.#expiries) {
      if (expiry.until > now) break;
      const key = keyOf(expiry);
      if (this.#reported.has(key)) continue;
      this.#reported.add(key);
      expired.push(expiry);
    }
    let quietCrossed: number | null = null;
    if (this.#quietBoundary !== null && this.#quietBoundary <= now) {
      // Several boundaries passed in one sleep are one re-render: report the latest instant.
      quietCrossed = this.#quietBoundary;
      this.#quietBoundary = this.#nextQuietBoundary(now);
    }
    const expiry = this.nextExpiryAt();
    const next =
      expiry === null || this.#quietBoundary === null
        ? (expiry ?? this.#quietBoundary)
        : Math.min(expiry, this.#quietBoundary);
    if (next !== null && !this.#stopped) {
      // A timer may fire a millisecond early; `#plan` then simply arms again for the rest.
      this.#timer = this.#clock.setTimeout(
        () => {
          this.#timer = null;
          this.#plan();
        },
        Math.min(next - now, this.#maxTimer),
      );
    }
    // Listeners last: one that calls `update()` re-plans from a consistent state.
    for (const expiry of expired) for (const listener of [...this.#listeners]) listener(expiry);
    if (quietCrossed !== null) {
      for (const listener of [...this.#quietListeners]) listener(quietCrossed);
    }
  }

  #nextQuietBoundary(after: number): number | null {
    const quiet = this.#quietHours;
    return quiet ? nextQuietBoundary(quiet.quietHours, quiet.timeZone, after) : null;
  }

  #clearTimer(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
