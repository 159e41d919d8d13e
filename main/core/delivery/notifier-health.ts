import type { HealthNotice } from '../../../common';
import {
  ObservableValue,
  type Clock,
  type Logger,
  type NotifierAvailability,
  type NotifierPort,
  type Observable,
} from '../ports';
import type { InAppList } from './in-app-list';

export interface NotifierHealthOptions {
  notifier: NotifierPort;
  logger: Logger;
  clock: Clock;
  /** Where "pop-ups are unavailable" is listed once, besides `health`. */
  list: InAppList;
}

/**
 * What delivery knows about its notifier's health, and says to the person: whether pop-ups can
 * show at all (followed from the port's `availability`: said once when they go away, in `health`
 * and the in-app list; cleared when a daemon appears) and how many failed (`popupFailures`).
 */
export class NotifierHealth {
  readonly #notifier: NotifierPort;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #list: InAppList;
  readonly #health = new ObservableValue<HealthNotice[]>([]);
  #stopFollowing: (() => void) | null = null;
  #available: boolean | null = null;
  #unavailableReason = '';
  #started = false;
  #stopped = false;
  #failures = 0;
  #shown = 0;

  constructor(options: NotifierHealthOptions) {
    this.#notifier = options.notifier;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#list = options.list;
  }

  get health(): Observable<HealthNotice[]> {
    return this.#health;
  }

  /** False once the notifier said it cannot show pop-ups (null before the first probe). */
  get available(): boolean | null {
    return this.#available;
  }

  /** The sentence a pop-up that could not be handed off is recorded with. */
  get unavailableReason(): string {
    return this.#unavailableReason;
  }

  get stats(): { popupsShown: number; popupFailures: number } {
    return { popupsShown: this.#shown, popupFailures: this.#failures };
  }

  /** Probes the notifier, then follows its availability until `stop()`. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    let result: NotifierAvailability;
    try {
      result = await this.#notifier.probe();
    } catch (error) {
      result = { available: false, reason: `The notification check failed: ${String(error)}` };
    }
    if (this.#stopped) return;
    this.#changed(result);
    this.#stopFollowing = this.#notifier.availability.subscribe((value) => {
      if (value && !this.#stopped) this.#changed(value);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#stopFollowing?.();
  }

  popupShown(): void {
    this.#shown++;
  }

  /** One warning for the first failure and every hundredth; the notice always says the count. */
  popupFailed(reason: string): void {
    this.#failures++;
    if (this.#failures === 1 || this.#failures % 100 === 0) {
      this.#logger.warn('A desktop pop-up could not be shown', {
        reason,
        failures: this.#failures,
      });
    }
    const noun = this.#failures === 1 ? 'pop-up' : 'pop-ups';
    this.#setNotice({
      code: 'popupFailures',
      message: `${this.#failures} desktop ${noun} could not be shown (last: ${reason}); they are in the in-app list.`,
    });
  }

  #changed(result: NotifierAvailability): void {
    if (result.available) {
      this.#available = true;
      const notices = this.#health.get();
      const others = notices.filter((entry) => entry.code !== 'notifierUnavailable');
      if (others.length !== notices.length) this.#health.set(others);
      return;
    }
    if (this.#available === false) return;
    this.#available = false;
    this.#unavailableReason = `Desktop pop-ups are unavailable: ${result.reason}`;
    const message = `${this.#unavailableReason}. Alerts still appear in the in-app list.`;
    this.#logger.warn('Desktop pop-ups are unavailable', { reason: result.reason });
    this.#setNotice({ code: 'notifierUnavailable', message });
    const now = this.#clock.now();
    this.#list.addLogged({
      id: `local:health:notifier:${now}`,
      eventId: `local:health:notifier:${now}`,
      title: 'Desktop pop-ups are unavailable',
      body: message,
      createdAt: now,
      read: false,
      quietReason: null,
    });
  }

  #setNotice(notice: HealthNotice): void {
    const others = this.#health.get().filter((entry) => entry.code !== notice.code);
    this.#health.set([...others, notice]);
  }
}
