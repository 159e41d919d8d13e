import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff';

describe('retryDelay', () => {
  const policy = { initialMilliseconds: 100, maxMilliseconds: 1_000 };

  it('doubles per failure within [step/2, step] and stops at the cap', () => {
    expect(retryDelay(1, policy, () => 0)).toBe(50);
    expect(retryDelay(1, policy, () => 1)).toBe(100);
    expect(retryDelay(3, policy, () => 1)).toBe(400);
    expect(retryDelay(10, policy, () => 1)).toBe(1_000);
    expect(retryDelay(10, policy, () => 0)).toBe(500);
    expect(retryDelay(1_000, policy, () => 0.5)).toBe(750);
  });
});
