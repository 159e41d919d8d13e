import { Listeners, neverDoNotDisturb } from '../core/notifier-helpers';
import {
  maximumPopupActions,
  ObservableValue,
  type Clock,
  type NotifierAvailability,
  type NotifierCapabilities,
  type NotifierPort,
  type PopupActionEvent,
  type PopupClosedEvent,
  type PopupContent,
  type PopupHandle,
  type PopupResult,
  type SystemDoNotDisturbState,
} from '../core/ports';
import type {
  NotificationConstructorPort,
  NotificationOptionsPort,
  NotificationPort,
} from './electron-ports';

/** One pop-up on the screen: the Electron notification showing it now, and what it says. */
interface LivePopup {
  notification: NotificationPort;
  content: PopupContent;
}

/**
 * What Electron's `Notification` can do, by platform (Electron's documentation): buttons on
 * macOS and Windows; `timeoutType: 'never'` on Windows and Linux; a notification centre on macOS
 * and Windows. `close()` works everywhere; there is no update, so a replace is close and show
 * anew (with the same `id`, which macOS and Windows also take as "replace the listed one").
 */
export function electronCapabilities(platform: NodeJS.Platform): NotifierCapabilities {
  return {
    actions: platform === 'darwin' || platform === 'win32',
    click: true,
    close: true,
    replace: 'closeAndShow',
    // `close` is "not guaranteed in all cases" (Electron's words): reported where it comes.
    closedEvents: true,
    stayUntilClosed: platform !== 'darwin',
    persistence: platform === 'darwin' || platform === 'win32',
  };
}

/** Electron's close reason (Windows) in the port's words; elsewhere the person closed it. */
function closeReason(reason: string | undefined): PopupClosedEvent['reason'] {
  switch (reason) {
    case 'timedOut':
      return 'expired';
    case 'applicationHidden':
      return 'closedByApp';
    default:
      return 'dismissed';
  }
}

/**
 * The NotifierPort over Electron's `Notification` (the shell on macOS and Windows, and on Linux
 * with no session bus): the core decides and words the pop-up, this shows, replaces (close and
 * show anew) and closes it, and reports clicks, buttons (macOS) and closes by item id.
 * On Windows, pop-ups only show and click through when the app has an AppUserModelId, which the
 * composition root sets before the first one.
 */
export class ElectronNotifier implements NotifierPort {
  readonly availability = new ObservableValue<NotifierAvailability | null>(null);
  readonly capabilities: ObservableValue<NotifierCapabilities>;
  readonly systemDoNotDisturb: SystemDoNotDisturbState;
  readonly #Notification: NotificationConstructorPort;
  readonly #clock: Clock;
  readonly #showTimeoutMilliseconds: number;
  readonly #clicks = new Listeners<string>();
  readonly #actions = new Listeners<PopupActionEvent>();
  readonly #closes = new Listeners<PopupClosedEvent>();
  /** Live pop-ups by handle id: Electron drops the handlers of a notification that was collected. */
  readonly #live = new Map<string, LivePopup>();
  #count = 0;

  constructor(options: {
    Notification: NotificationConstructorPort;
    clock: Clock;
    platform: NodeJS.Platform;
    /** How long to wait for Electron's `show` before assuming the OS took the pop-up. */
    showTimeoutMilliseconds?: number;
    /**
     * macOS Focus or Windows Focus Assist, where a reader exists; none is wired today (see
     * main/headless/README.md), so it is never on.
     */
    systemDoNotDisturb?: SystemDoNotDisturbState;
  }) {
    this.#Notification = options.Notification;
    this.#clock = options.clock;
    this.#showTimeoutMilliseconds = options.showTimeoutMilliseconds ?? 3000;
    this.capabilities = new ObservableValue(electronCapabilities(options.platform));
    this.systemDoNotDisturb = options.systemDoNotDisturb ?? neverDoNotDisturb();
  }

  probe(): Promise<NotifierAvailability> {
    const result: NotifierAvailability = this.#Notification.isSupported()
      ? { available: true }
      : { available: false, reason: 'This system does not support desktop notifications.' };
    this.availability.set(result);
    return Promise.resolve(result);
  }

  show(content: PopupContent): Promise<PopupResult> {
    this.#count += 1;
    return this.#present({ id: `electron:${this.#count}` }, content);
  }

  /** Electron cannot update a notification: the old one closes, the new one takes its handle. */
  replace(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    const old = this.#live.get(handle.id);
    if (old) {
      this.#live.delete(handle.id);
      old.notification.close();
    }
    return this.#present(handle, content);
  }

  close(handle: PopupHandle): Promise<void> {
    const popup = this.#live.get(handle.id);
    if (popup) {
      // Forgotten first: the `close` Electron may emit for it is ours, not the person's.
      this.#live.delete(handle.id);
      popup.notification.close();
      this.#closes.emit({ handle, itemId: popup.content.itemId, reason: 'closedByApp' });
    }
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

  #options(
    id: string,
    content: PopupContent,
  ): { options: NotificationOptionsPort; actionIds: string[] } {
    const capabilities = this.capabilities.get();
    const actions = capabilities.actions
      ? (content.actions ?? []).slice(0, maximumPopupActions)
      : [];
    const never = content.expiry === 'never' && capabilities.stayUntilClosed;
    return {
      options: {
        id,
        title: content.title,
        body: content.body,
        silent: false,
        urgency: content.urgency ?? 'normal',
        timeoutType: never ? 'never' : 'default',
        ...(actions.length > 0
          ? { actions: actions.map((action) => ({ type: 'button' as const, text: action.label })) }
          : {}),
      },
      actionIds: actions.map((action) => action.id),
    };
  }

  #present(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    const { options, actionIds } = this.#options(handle.id, content);
    const notification = new this.#Notification(options);
    const popup: LivePopup = { notification, content };
    this.#live.set(handle.id, popup);
    const current = () => this.#live.get(handle.id) === popup;
    notification.on('click', () => {
      if (!current()) return;
      this.#live.delete(handle.id);
      this.#clicks.emit(content.itemId);
    });
    notification.on('action', (details) => {
      const actionId = actionIds[details.actionIndex];
      if (current() && actionId !== undefined) {
        this.#actions.emit({ handle, itemId: content.itemId, actionId });
      }
    });
    notification.on('close', (details) => {
      if (!current()) return;
      this.#live.delete(handle.id);
      this.#closes.emit({ handle, itemId: content.itemId, reason: closeReason(details.reason) });
    });
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
        () => settle({ shown: true, handle }),
        this.#showTimeoutMilliseconds,
      );
      notification.on('show', () => settle({ shown: true, handle }));
      const fail = (reason: string) => {
        if (current()) this.#live.delete(handle.id);
        settle({ shown: false, reason });
      };
      notification.on('failed', (_event, error) => fail(`The system refused the pop-up: ${error}`));
      try {
        notification.show();
      } catch (error) {
        fail(`The pop-up could not be shown: ${String(error)}`);
      }
    });
  }
}
