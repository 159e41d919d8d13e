import type { NotifierPort, PopupContent, PopupResult } from '../../main/core/ports';
import { createCondition } from './wait-for';

/**
 * A fake at the OS edge: keeps every pop-up it is asked to show (the content the port receives,
 * as main/headless/recording-notifier.ts writes it to a file) and wakes waiters. `available`
 * and `fail` play a missing daemon and a failing one; `click` plays the person clicking. Real
 * pop-ups are checked through dunst (main/core/delivery/node-notifier.test.ts,
 * test/headless-daemon.test.ts).
 */
export class RecordingNotifier implements NotifierPort {
  readonly shown: PopupContent[] = [];
  available: { available: true } | { available: false; reason: string } = { available: true };
  /** When set, every pop-up fails with this reason and is not recorded. */
  fail: string | null = null;
  readonly #condition = createCondition();
  readonly #clicks = new Set<(itemId: string) => void>();

  probe(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(this.available);
  }

  show(content: PopupContent): Promise<PopupResult> {
    if (this.fail !== null) return Promise.resolve({ shown: false, reason: this.fail });
    this.shown.push(content);
    this.#condition.signal();
    return Promise.resolve({ shown: true });
  }

  onClick(listener: (itemId: string) => void): void {
    this.#clicks.add(listener);
  }

  /** What the OS does when the person clicks a pop-up. */
  click(itemId: string): void {
    for (const listener of this.#clicks) listener(itemId);
  }

  /** Resolves once a pop-up matching `predicate` has been shown (before or after this call). */
  waitFor(predicate: (content: PopupContent) => boolean, what: string): Promise<void> {
    return this.#condition.until(() => this.shown.some(predicate), what);
  }
}
