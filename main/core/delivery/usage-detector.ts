import { usageThresholds, type AlertEvent, type UsageThreshold } from '../../../common';
import type { Clock } from '../ports';
import type { MetaRepository, UsageAlertRepository } from '../store/repositories';
import { noEvents, type Detector } from './detector';
import { localId } from './local-id';

export interface UsageDetectorOptions {
  usageAlerts: UsageAlertRepository;
  clock: Clock;
  /**
   * Where the newest billing period seen is kept across restarts (`store.meta`). Without it the
   * detector remembers it in memory only, so the first late update for an old period after a
   * restart can still alert if that period's thresholds never fired.
   */
  meta?: MetaRepository;
}

/** The newest billing period seen, and the earliest update time seen for it. */
interface NewestPeriod {
  periodId: string;
  since: number;
}

/** Key of the newest period in the meta repository. */
const newestUsagePeriodKey = 'usage.newestPeriod';

/**
 * Turns `usage` updates into `usageThreshold` events: 75 %, 90 % and 100 % of the included
 * minutes, each at most once per billing period, however often, late or out of order updates
 * arrive (what fired is persisted per period id, so a new period re-arms all three).
 *
 * A jump past several thresholds at once (70 % → 100 %) raises only the highest one crossed and
 * records the lower ones as done: "75 % used" read after "all minutes used" is noise, and a late
 * 80 % update afterwards must not raise 75 %. Other events (payment failures included) are not
 * this detector's business: the pipeline decides them as they are.
 *
 * Period ids are opaque, so periods are ordered by their updates' `occurredAt`: an update for
 * another period sent before the newest period's earliest update belongs to an older period and
 * is ignored (a late 90 % for last month must not alert in this one).
 */
export class UsageDetector implements Detector {
  readonly #usageAlerts: UsageAlertRepository;
  readonly #clock: Clock;
  readonly #meta: MetaRepository | null;
  #newest: NewestPeriod | null;

  constructor(options: UsageDetectorOptions) {
    this.#usageAlerts = options.usageAlerts;
    this.#clock = options.clock;
    this.#meta = options.meta ?? null;
    this.#newest = this.#loadNewest();
  }

  /** The threshold events this update raises (none, or one). */
  observe(event: AlertEvent): readonly AlertEvent[] {
    if (event.kind !== 'usage') return noEvents;
    if (!(event.includedMinutes > 0) || !Number.isFinite(event.usedMinutes)) return noEvents;
    if (!this.#isCurrentPeriod(event.periodId, event.occurredAt)) return noEvents;
    const percent = (event.usedMinutes / event.includedMinutes) * 100;
    const crossed = usageThresholds.filter((threshold) => percent >= threshold);
    const highest = crossed.at(-1);
    if (highest === undefined) return noEvents;
    const fired = new Set(this.#usageAlerts.firedThresholds(event.periodId));
    // Anything at or above the highest crossed already fired: this update is old news.
    if (usageThresholds.some((threshold) => threshold >= highest && fired.has(threshold))) {
      return noEvents;
    }
    const now = this.#clock.now();
    for (const threshold of crossed) {
      if (!fired.has(threshold)) this.#usageAlerts.markFired(event.periodId, threshold, now);
    }
    return [this.#thresholdEvent(event, highest)];
  }

  /** Whether an update belongs to the newest period seen (or a newer one, which becomes it). */
  #isCurrentPeriod(periodId: string, occurredAt: string): boolean {
    const parsed = Date.parse(occurredAt);
    const sent = Number.isFinite(parsed) ? parsed : this.#clock.now();
    const newest = this.#newest;
    if (newest && periodId !== newest.periodId && sent < newest.since) return false;
    if (newest && periodId === newest.periodId && sent >= newest.since) return true;
    this.#newest = { periodId, since: sent };
    try {
      this.#meta?.set(newestUsagePeriodKey, JSON.stringify(this.#newest));
    } catch {
      // Remembered in memory still; only a restart loses it.
    }
    return true;
  }

  #loadNewest(): NewestPeriod | null {
    try {
      const stored: unknown = JSON.parse(this.#meta?.get(newestUsagePeriodKey) ?? 'null');
      if (
        typeof stored === 'object' &&
        stored !== null &&
        'periodId' in stored &&
        'since' in stored &&
        typeof stored.periodId === 'string' &&
        typeof stored.since === 'number' &&
        Number.isFinite(stored.since)
      ) {
        return { periodId: stored.periodId, since: stored.since };
      }
    } catch {
      // Unreadable: start without one, as on a first run.
    }
    return null;
  }

  #thresholdEvent(event: AlertEvent & { kind: 'usage' }, threshold: UsageThreshold): AlertEvent {
    return {
      kind: 'usageThreshold',
      id: localId('usage', event.periodId, String(threshold)),
      occurredAt: event.occurredAt,
      periodId: event.periodId,
      threshold,
      usedMinutes: event.usedMinutes,
      includedMinutes: event.includedMinutes,
    };
  }
}
