import type { Observable } from '../ports';

/**
 * Resolves with the first value of `observable` (current or future) that satisfies `predicate`;
 * rejects after `timeoutMilliseconds` with what it waited for and the last value. For tests and
 * benches: they wait on a named condition, never a fixed sleep.
 */
export function waitForValue<Value>(
  observable: Observable<Value>,
  predicate: (value: Value) => boolean,
  description = 'a value',
  timeoutMilliseconds = 15_000,
): Promise<Value> {
  return new Promise((resolve, reject) => {
    const current = observable.get();
    if (predicate(current)) {
      resolve(current);
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `Timed out waiting for ${description}; last value: ${JSON.stringify(observable.get())}`,
        ),
      );
    }, timeoutMilliseconds);
    const unsubscribe = observable.subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
