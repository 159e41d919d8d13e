import type { Observable } from '../../main/core/ports';

/**
 * The one way tests and benches wait: on a named condition, never a fixed sleep. A `Condition` is
 * re-checked each time whatever it reads says it changed (`signal`); `waitForValue` is that for an
 * `Observable`. Either rejects after its timeout, saying what it waited for.
 */
export interface Condition {
  /** Re-checks every pending `until`: call it whenever what they read may have changed. */
  signal(): void;
  /**
   * Resolves once `condition()` is true (now, or at a later `signal`); rejects after
   * `timeoutMilliseconds` with "Timed out waiting for `what`".
   */
  until(
    condition: () => boolean,
    what: string | (() => string),
    timeoutMilliseconds?: number,
  ): Promise<void>;
}

export function createCondition(): Condition {
  const waiters = new Set<() => void>();
  return {
    signal: () => {
      for (const waiter of [...waiters]) waiter();
    },
    until: (condition, what, timeoutMilliseconds = 15_000) =>
      new Promise((resolve, reject) => {
        if (condition()) {
          resolve();
          return;
        }
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${typeof what === 'string' ? what : what()}`));
        }, timeoutMilliseconds);
        waiters.add(check);
      }),
  };
}

/**
 * Resolves with the first value of `observable` (current or future) that satisfies `predicate`;
 * rejects after `timeoutMilliseconds` with what it waited for and the last value.
 */
export async function waitForValue<Value>(
  observable: Observable<Value>,
  predicate: (value: Value) => boolean,
  description = 'a value',
  timeoutMilliseconds = 15_000,
): Promise<Value> {
  const found: Value[] = [];
  const check = (value: Value) => {
    if (found.length === 0 && predicate(value)) found.push(value);
  };
  const condition = createCondition();
  const unsubscribe = observable.subscribe((value) => {
    check(value);
    condition.signal();
  });
  try {
    check(observable.get());
    await condition.until(
      () => found.length > 0,
      () => `${description}; last value: ${JSON.stringify(observable.get())}`,
      timeoutMilliseconds,
    );
  } finally {
    unsubscribe();
  }
  return found[0] as Value;
}
