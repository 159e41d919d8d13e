/** Exponential backoff with jitter, capped: how long to wait before retry number `failures`. */
export interface RetryPolicy {
  /** First delay; default 500 ms. */
  initialMilliseconds: number;
  /** Cap; default 30 s. */
  maxMilliseconds: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  initialMilliseconds: 500,
  maxMilliseconds: 30_000,
};

/**
 * "Equal jitter": half the exponential step is fixed, half random, so many devices coming back at
 * once spread out while no device retries sooner than half its step.
 */
export function retryDelay(failures: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const step = Math.min(policy.maxMilliseconds, policy.initialMilliseconds * 2 ** exponent);
  return Math.round(step / 2 + (step / 2) * random());
}
