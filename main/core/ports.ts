/**
 * The small interfaces every side effect of the core sits behind. Constructors take these; tests
 * pass real fakes (a controllable clock, a recording notifier) and temp folders, never module
 * mocks. Each shell (Electron, headless) supplies the real ones in its composition root.
 */

/** Time, and timers that can be re-planned: never trust a timer across sleep. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A value that changes over time and tells its listeners (connection state, sync status). */
export interface Observable<Value> {
  get(): Value;
  subscribe(listener: (value: Value) => void): () => void;
}

/** A simple observable value holder: the one implementation the core uses. */
export class ObservableValue<Value> implements Observable<Value> {
  readonly #listeners = new Set<(value: Value) => void>();
  #value: Value;

  constructor(initial: Value) {
    this.#value = initial;
  }

  get(): Value {
    return this.#value;
  }

  set(value: Value): void {
    this.#value = value;
    for (const listener of [...this.#listeners]) listener(value);
  }

  subscribe(listener: (value: Value) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** How urgent a pop-up is: the freedesktop urgency levels (0, 1, 2), which every adapter maps. */
export type PopupUrgency = 'low' | 'normal' | 'critical';

/**
 * What the alert is, for the desktop's own rules (sounds, grouping, do-not-disturb exceptions):
 * the freedesktop notification categories Ringside uses, or a vendor one (`x-ringside.…`).
 */
export type PopupCategory =
  | 'call.incoming'
  | 'call.unanswered'
  | 'call.ended'
  | 'im.received'
  | 'email.arrived'
  | `x-ringside.${string}`;

/** A button on a pop-up: `id` comes back in `onAction`, `label` is what the person reads. */
export interface PopupAction {
  id: string;
  label: string;
}

/**
 * What a desktop pop-up says and how it behaves. Every adapter sanitises the text again; the
 * fields past `body` are optional, so a plain `{ itemId, title, body }` is a normal pop-up that
 * leaves the way it always did.
 */
export interface PopupContent {
  /** Stable id of the item the pop-up opens when clicked (an event id or a group id). */
  itemId: string;
  title: string;
  body: string;
  /**
   * Buttons (the adapter shows at most `maximumPopupActions`), where `capabilities.actions`;
   * elsewhere they are left off and the pop-up is just its text. The click on the pop-up itself
   * is not an action: it is always reported through `onClick`.
   */
  actions?: readonly PopupAction[];
  /** Default `normal`. */
  urgency?: PopupUrgency;
  category?: PopupCategory;
  /**
   * How long it stays on screen: `default` (the person's own setting for every app), `never`
   * (until closed: a ringing call), or milliseconds. Default `default`.
   */
  expiry?: 'default' | 'never' | number;
}

/** The most buttons an adapter puts on one pop-up (GNOME and Windows show three). */
export const maximumPopupActions = 3;

/**
 * A pop-up that was shown: what `replace` and `close` take, and what events carry. Opaque; it
 * stays valid after a `replace`, whatever the OS does underneath.
 */
export interface PopupHandle {
  readonly id: string;
}

export type PopupResult = { shown: true; handle: PopupHandle } | { shown: false; reason: string };

/** Why a pop-up left the screen (the freedesktop reasons 1–4, and a daemon that went away). */
export type PopupCloseReason = 'expired' | 'dismissed' | 'closedByApp' | 'unknown' | 'daemonGone';

export interface PopupActionEvent {
  handle: PopupHandle;
  itemId: string;
  /** One of the `PopupAction.id`s the pop-up was shown with. */
  actionId: string;
}

export interface PopupClosedEvent {
  handle: PopupHandle;
  itemId: string;
  reason: PopupCloseReason;
}

/** What the OS notification system in use can do (an adapter may learn it late: a daemon). */
export interface NotifierCapabilities {
  /** Buttons show, and pressing one is reported (`onAction`). */
  actions: boolean;
  /** A click on the pop-up is reported (`onClick`). */
  click: boolean;
  /** `close` takes a shown pop-up off the screen. */
  close: boolean;
  /**
   * What `replace` does: updates the pop-up in place; closes it and shows the new one; or can
   * only show a new pop-up beside the old one (which leaves when it expires).
   */
  replace: 'inPlace' | 'closeAndShow' | 'newPopup';
  /** A pop-up leaving the screen is reported (`onClosed`). */
  closedEvents: boolean;
  /** A pop-up can stay until it is closed (`expiry: 'never'`). */
  stayUntilClosed: boolean;
  /** Pop-ups stay in a notification centre after they leave the screen. */
  persistence: boolean;
}

/** A notifier that can only show: no buttons, no clicks, no close, no replace in place. */
export const showOnlyCapabilities: NotifierCapabilities = {
  actions: false,
  click: false,
  close: false,
  replace: 'newPopup',
  closedEvents: false,
  stayUntilClosed: false,
  persistence: false,
};

export type NotifierAvailability = { available: true } | { available: false; reason: string };

/** The desktop's own do-not-disturb, where it can be read. */
export interface SystemDoNotDisturb {
  on: boolean;
  /** What says so ("dunst is paused"), or null when it is off or nothing could be read. */
  source: string | null;
}

/** The system's do-not-disturb as it changes, and as it is at the moment a pop-up is due. */
export interface SystemDoNotDisturbState extends Observable<SystemDoNotDisturb> {
  /**
   * The state now: the known one where the desktop announces changes, else read afresh
   * (bounded in time). Never rejects.
   */
  current(): Promise<SystemDoNotDisturb>;
}

/**
 * The OS notification system: the D-Bus adapter on Linux (main/core/delivery/dbus/),
 * node-notifier headless elsewhere, Electron's `Notification` in the shell on macOS and
 * Windows. No method rejects or throws; what an adapter cannot do, its `capabilities` say.
 */
export interface NotifierPort {
  /** Checks whether pop-ups can be shown at all (daemon present, binary found); bounded in time. */
  probe(): Promise<NotifierAvailability>;
  /**
   * Whether pop-ups can show, as it changes (a daemon that leaves, or appears later); null
   * until the first check.
   */
  readonly availability: Observable<NotifierAvailability | null>;
  readonly capabilities: Observable<NotifierCapabilities>;
  readonly systemDoNotDisturb: SystemDoNotDisturbState;
  show(content: PopupContent): Promise<PopupResult>;
  /**
   * Puts new content on a shown pop-up, as `capabilities.replace` says; a pop-up that has left
   * the screen is shown again. The result's handle is the one to use from then on.
   */
  replace(handle: PopupHandle, content: PopupContent): Promise<PopupResult>;
  /** Takes the pop-up off the screen where `capabilities.close`; nothing where not. */
  close(handle: PopupHandle): Promise<void>;
  /** The person clicked a pop-up: the item it opens. Returns the function that stops listening. */
  onClick(listener: (itemId: string) => void): () => void;
  /** The person pressed a button of a pop-up. */
  onAction(listener: (event: PopupActionEvent) => void): () => void;
  /** A pop-up left the screen, and why. */
  onClosed(listener: (event: PopupClosedEvent) => void): () => void;
}

/** The longest delay a Node timer takes: past 2^31-1 ms it fires at once instead. */
const longestTimer = 2 ** 31 - 1;

/**
 * The real clock. A wait longer than a Node timer can hold (about 24.8 days) is cut into steps of
 * at most that, each set when the one before ran out, so the callback runs once, on time.
 */
export function createSystemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, milliseconds) {
      const id = nextId++;
      const plan = (left: number) => {
        const step = Math.min(left, longestTimer);
        const timer = setTimeout(() => {
          if (left > step) {
            plan(left - step);
            return;
          }
          timers.delete(id);
          callback();
        }, step);
        timer.unref?.();
        timers.set(id, timer);
      };
      plan(Math.max(0, milliseconds));
      return { id };
    },
    clearTimeout(handle) {
      clearTimeout(timers.get(handle.id));
      timers.delete(handle.id);
    },
  };
}
