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

/** What a desktop pop-up says, already sanitised and bounded. */
export interface PopupContent {
  /** Stable id of the item the pop-up opens when clicked (an event id or a group id). */
  itemId: string;
  title: string;
  body: string;
}

export type PopupResult = { shown: true } | { shown: false; reason: string };

/** The OS notification system (node-notifier headless, Electron's Notification in the shell). */
export interface NotifierPort {
  /** Checks once whether pop-ups can be shown at all (daemon present, binary found). */
  probe(): Promise<{ available: true } | { available: false; reason: string }>;
  show(content: PopupContent): Promise<PopupResult>;
  /** Called with the item id when the person clicks a pop-up, where the OS reports it. */
  onClick(listener: (itemId: string) => void): void;
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
