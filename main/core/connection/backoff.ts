/** How long to wait between reconnect attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  initialMilliseconds: number;
  /** No wait is ever longer than this. */
  maximumMilliseconds: number;
  /** Each attempt multiplies the previous delay by this. */
  factor: number;
  /**
   * Share of the delay that is random (0 = none, 1 = "full jitter"), so a thousand companions
   * dropped by one service restart do not all come back in the same millisecond.
   */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = {
  initialMilliseconds: 1_000,
  maximumMilliseconds: 60_000,
  factor: 2,
  jitter: 0.5,
};

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential, capped, with the jittered
 * share taken off the top so the cap is never exceeded.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(
    options.maximumMilliseconds,
    options.initialMilliseconds * options.factor ** exponent,
  );
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
