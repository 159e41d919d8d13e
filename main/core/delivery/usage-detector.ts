import { usageThresholds, type AlertEvent, type UsageThreshold } from '../../../common';
import type { Clock } from '../ports';
import type { UsageAlertRepository } from '../store/repositories';
import { localId } from './local-id';

export interface UsageDetectorOptions {
  usageAlerts: UsageAlertRepository;
  clock: Clock;
}

/**
 * Turns `usage` updates into `usageThreshold` events: 75 %, 90 % and 100 % of the included
 * minutes, each at most once per billing period, however often, late or out of order updates
 * arrive (what fired is persisted per period id, so a new period re-arms all three).
 *
 * A jump past several thresholds at once (70 % → 100 %) raises only the highest one crossed and
 * records the lower ones as done: "75 % used" read after "all minutes used" is noise, and a late
 * 80 % update afterwards must not raise 75 %. Other events (payment failures included) are not
 * this detector's business: the pipeline decides them as they are.
 */
export class UsageDetector {
  readonly #usageAlerts: UsageAlertRepository;
  readonly #clock: Clock;

  constructor(options: UsageDetectorOptions) {
    this.#usageAlerts = options.usageAlerts;
    this.#clock = options.clock;
  }

  /** The threshold events this update raises (none, or one). */
  observe(event: AlertEvent): AlertEvent[] {
    if (event.kind !== 'usage') return [];
    if (!(event.includedMinutes > 0) || !Number.isFinite(event.usedMinutes)) return [];
    const percent = (event.usedMinutes / event.includedMinutes) * 100;
    const crossed = usageThresholds.filter((threshold) => percent >= threshold);
    const highest = crossed.at(-1);
    if (highest === undefined) return [];
    const fired = new Set(this.#usageAlerts.firedThresholds(event.periodId));
    // Anything at or above the highest crossed already fired: this update is old news.
    if (usageThresholds.some((threshold) => threshold >= highest && fired.has(threshold))) {
      return [];
    }
    const now = this.#clock.now();
    for (const threshold of crossed) {
      if (!fired.has(threshold)) this.#usageAlerts.markFired(event.periodId, threshold, now);
    }
    return [this.#thresholdEvent(event, highest)];
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
