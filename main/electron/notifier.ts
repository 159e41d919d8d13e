import type { Clock, NotifierPort, PopupContent, PopupResult } from '../core/ports';
import type { NotificationConstructorPort, NotificationPort } from './electron-ports';

/**
 * The NotifierPort over Electron's `Notification`: the core decides and words the pop-up, this
 * shows it and reports clicks by item id (the shell then opens the settings window on it).
 * On Windows, pop-ups only show and click through when the app has an AppUserModelId, which the
 * composition root sets before the first one.
 */
export class ElectronNotifier implements NotifierPort {
  readonly #Notification: NotificationConstructorPort;
  readonly #clock: Clock;
  readonly #showTimeoutMilliseconds: number;
  readonly #listeners: Array<(itemId: string) => void> = [];
  /** Live pop-ups: Electron drops the click handler of a notification that was collected. */
  readonly #live = new Set<NotificationPort>();
  #shown: PopupContent[] = [];

  constructor(options: {
    Notification: NotificationConstructorPort;
    clock: Clock;
    /** How long to wait for Electron's `show` before assuming the OS took the pop-up. */
    showTimeoutMilliseconds?: number;
  }) {
    this.#Notification = options.Notification;
    this.#clock = options.clock;
    this.#showTimeoutMilliseconds = options.showTimeoutMilliseconds ?? 3000;
  }

  probe(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(
      this.#Notification.isSupported()
        ? { available: true }
        : { available: false, reason: 'This system does not support desktop notifications.' },
    );
  }

  show(content: PopupContent): Promise<PopupResult> {
    const notification = new this.#Notification({
      title: content.title,
      body: content.body,
      silent: false,
    });
    this.#live.add(notification);
    notification.on('click', () => {
      this.#live.delete(notification);
      this.reportClick(content.itemId);
    });
    notification.on('close', () => this.#live.delete(notification));
    return new Promise<PopupResult>((resolve) => {
      let settled = false;
      const settle = (result: PopupResult) => {
        if (settled) return;
        settled = true;
        this.#clock.clearTimeout(timer);
        resolve(result);
      };
      // Not every platform reports `show` (some Linux daemons do not): no failure means shown.
      const timer = this.#clock.setTimeout(
        () => settle({ shown: true }),
        this.#showTimeoutMilliseconds,
      );
      notification.on('show', () => {
        this.#shown = [...this.#shown.slice(-99), content];
        settle({ shown: true });
      });
      notification.on('failed', (_event, error) => {
        this.#live.delete(notification);
        settle({ shown: false, reason: `The system refused the pop-up: ${error}` });
      });
      try {
        notification.show();
      } catch (error) {
        this.#live.delete(notification);
        settle({ shown: false, reason: `The pop-up could not be shown: ${String(error)}` });
      }
    });
  }

  onClick(listener: (itemId: string) => void): void {
    this.#listeners.push(listener);
  }

  /** What a click on the pop-up for `itemId` does (the OS click lands here). */
  reportClick(itemId: string): void {
    for (const listener of this.#listeners) listener(itemId);
  }

  /** The last pop-ups the OS reported shown, oldest first (at most 100). */
  get shown(): readonly PopupContent[] {
    return this.#shown;
  }
}
