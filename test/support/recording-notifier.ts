import { Listeners } from '../../main/core/notifier-helpers';
import {
  ObservableValue,
  type NotifierAvailability,
  type NotifierCapabilities,
  type NotifierPort,
  type PopupActionEvent,
  type PopupCloseReason,
  type PopupClosedEvent,
  type PopupContent,
  type PopupHandle,
  type PopupResult,
  type SystemDoNotDisturb,
  type SystemDoNotDisturbState,
} from '../../main/core/ports';
import { createCondition } from './wait-for';

/** What a daemon that does everything the port asks can do (the recording notifier's default). */
export const everyCapability: NotifierCapabilities = {
  actions: true,
  click: true,
  close: true,
  replace: 'inPlace',
  closedEvents: true,
  stayUntilClosed: true,
  persistence: false,
};

/**
 * A fake at the OS edge: keeps every pop-up it is asked to show, replace and close (the content
 * the port receives, as main/headless/recording-notifier.ts writes it to a file) and wakes
 * waiters. `available` (or `setAvailability`) and `fail` play a missing daemon and a failing
 * one; `capabilities` a lesser one; `setSystemDoNotDisturb` the desktop's do-not-disturb;
 * `click`, `invoke` and `dismiss` play the person. Real pop-ups are checked through dunst
 * (main/core/delivery/dbus/dbus-notifier.test.ts, node-notifier.test.ts,
 * test/headless-daemon.test.ts).
 */
export class RecordingNotifier implements NotifierPort {
  readonly shown: PopupContent[] = [];
  /** Every `replace`, in order: the pop-up and its new content. */
  readonly replaced: Array<{ handle: PopupHandle; content: PopupContent }> = [];
  /** Every pop-up taken off the screen with `close`. */
  readonly closed: PopupHandle[] = [];
  /** When set, every pop-up fails with this reason and is not recorded. */
  fail: string | null = null;
  readonly availability = new ObservableValue<NotifierAvailability | null>({ available: true });
  readonly capabilities = new ObservableValue<NotifierCapabilities>(everyCapability);
  readonly systemDoNotDisturb: SystemDoNotDisturbState;
  readonly #doNotDisturb = new ObservableValue<SystemDoNotDisturb>({ on: false, source: null });
  /** Pop-ups on the screen, by handle id. */
  readonly #live = new Map<string, PopupContent>();
  readonly #condition = createCondition();
  readonly #clicks = new Listeners<string>();
  readonly #actions = new Listeners<PopupActionEvent>();
  readonly #closes = new Listeners<PopupClosedEvent>();
  #count = 0;

  constructor() {
    const state = this.#doNotDisturb;
    this.systemDoNotDisturb = {
      get: () => state.get(),
      subscribe: (listener) => state.subscribe(listener),
      current: () => Promise.resolve(state.get()),
    };
  }

  /** What `probe` answers and `availability` holds. */
  get available(): NotifierAvailability {
    return this.availability.get() ?? { available: true };
  }

  set available(value: NotifierAvailability) {
    this.availability.set(value);
  }

  /** The desktop's do-not-disturb goes on or off (dunst paused, resumed). */
  setSystemDoNotDisturb(state: SystemDoNotDisturb): void {
    this.#doNotDisturb.set(state);
  }

  probe(): Promise<NotifierAvailability> {
    return Promise.resolve(this.available);
  }

  show(content: PopupContent): Promise<PopupResult> {
    if (this.fail !== null) return Promise.resolve({ shown: false, reason: this.fail });
    this.#count += 1;
    const handle: PopupHandle = { id: `popup-${this.#count}` };
    this.shown.push(content);
    this.#live.set(handle.id, content);
    this.#condition.signal();
    return Promise.resolve({ shown: true, handle });
  }

  replace(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    if (this.fail !== null) return Promise.resolve({ shown: false, reason: this.fail });
    this.replaced.push({ handle, content });
    this.#live.set(handle.id, content);
    this.#condition.signal();
    return Promise.resolve({ shown: true, handle });
  }

  close(handle: PopupHandle): Promise<void> {
    this.closed.push(handle);
    this.#leave(handle, 'closedByApp');
    this.#condition.signal();
    return Promise.resolve();
  }

  onClick(listener: (itemId: string) => void): () => void {
    return this.#clicks.add(listener);
  }

  onAction(listener: (event: PopupActionEvent) => void): () => void {
    return this.#actions.add(listener);
  }

  onClosed(listener: (event: PopupClosedEvent) => void): () => void {
    return this.#closes.add(listener);
  }

  /** Pop-ups still on the screen (shown or replaced, not closed or dismissed). */
  get onScreen(): PopupContent[] {
    return [...this.#live.values()];
  }

  /** What the OS does when the person clicks a pop-up. */
  click(itemId: string): void {
    this.#clicks.emit(itemId);
  }

  /** The person presses a button of a pop-up on the screen. */
  invoke(handle: PopupHandle, actionId: string): void {
    const content = this.#live.get(handle.id);
    if (content) this.#actions.emit({ handle, itemId: content.itemId, actionId });
  }

  /** The person dismisses a pop-up (or it expires). */
  dismiss(handle: PopupHandle, reason: PopupCloseReason = 'dismissed'): void {
    this.#leave(handle, reason);
  }

  /** Resolves once a pop-up matching `predicate` has been shown (before or after this call). */
  waitFor(predicate: (content: PopupContent) => boolean, what: string): Promise<void> {
    return this.#condition.until(() => this.shown.some(predicate), what);
  }

  #leave(handle: PopupHandle, reason: PopupCloseReason): void {
    const content = this.#live.get(handle.id);
    if (!content) return;
    this.#live.delete(handle.id);
    this.#closes.emit({ handle, itemId: content.itemId, reason });
  }
}
