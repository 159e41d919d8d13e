import {
  ObservableValue,
  showOnlyCapabilities,
  type NotifierAvailability,
  type NotifierCapabilities,
  type NotifierPort,
  type Observable,
  type PopupActionEvent,
  type PopupClosedEvent,
  type PopupContent,
  type PopupHandle,
  type PopupResult,
  type SystemDoNotDisturb,
  type SystemDoNotDisturbState,
} from './ports';

/**
 * Parts every notifier adapter shares: listener sets, a do-not-disturb that is never on, a
 * base for a notifier that can only show, and a pass-through for wrappers.
 */

/** A system do-not-disturb that is never on: where none can be read. */
export function neverDoNotDisturb(): SystemDoNotDisturbState {
  const off: SystemDoNotDisturb = { on: false, source: null };
  const value = new ObservableValue(off);
  return {
    get: () => value.get(),
    subscribe: (listener) => value.subscribe(listener),
    current: () => Promise.resolve(value.get()),
  };
}

/**
 * Listeners of one kind of pop-up event: what every adapter keeps for `onClick`, `onAction`
 * and `onClosed`.
 */
export class Listeners<Event> {
  readonly #listeners = new Set<(event: Event) => void>();

  add(listener: (event: Event) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: Event): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/**
 * A notifier that can only show (`showOnlyCapabilities`): `replace` shows anew, `close` does
 * nothing, no events. Extend it and implement `show` (the headless pop-up recorder).
 */
export abstract class ShowOnlyNotifier implements NotifierPort {
  readonly availability: Observable<NotifierAvailability | null> =
    new ObservableValue<NotifierAvailability | null>({ available: true });
  readonly capabilities: Observable<NotifierCapabilities> = new ObservableValue(
    showOnlyCapabilities,
  );
  readonly systemDoNotDisturb: SystemDoNotDisturbState = neverDoNotDisturb();

  probe(): Promise<NotifierAvailability> {
    return Promise.resolve({ available: true });
  }

  abstract show(content: PopupContent): Promise<PopupResult>;

  replace(_handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    return this.show(content);
  }

  close(_handle: PopupHandle): Promise<void> {
    return Promise.resolve();
  }

  onClick(_listener: (itemId: string) => void): () => void {
    return () => undefined;
  }

  onAction(_listener: (event: PopupActionEvent) => void): () => void {
    return () => undefined;
  }

  onClosed(_listener: (event: PopupClosedEvent) => void): () => void {
    return () => undefined;
  }
}

/**
 * A notifier that is `inner` in every way except the members given: a wrapper that stands
 * between delivery and the real notifier (the event batch's ordered `show`) passes the rest on.
 */
export function passThroughNotifier(
  inner: NotifierPort,
  own: Partial<Pick<NotifierPort, 'show' | 'replace' | 'close'>>,
): NotifierPort {
  return {
    probe: () => inner.probe(),
    availability: inner.availability,
    capabilities: inner.capabilities,
    systemDoNotDisturb: inner.systemDoNotDisturb,
    show: own.show ?? ((content) => inner.show(content)),
    replace: own.replace ?? ((handle, content) => inner.replace(handle, content)),
    close: own.close ?? ((handle) => inner.close(handle)),
    onClick: (listener) => inner.onClick(listener),
    onAction: (listener) => inner.onAction(listener),
    onClosed: (listener) => inner.onClosed(listener),
  };
}
