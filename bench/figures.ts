/** A figure of the bench table: a value, its unit, and its target when it has one. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  detail?: string;
  target?: string;
  met?: boolean;
  /** Under a missed target: what dominated one extra, profiled round (bench/profile.ts). */
  profile?: string[];
}

/** The value at `fraction` of the sorted samples (nearest rank). */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** "rounds: 1.2, 1.4, 1.3 (spread 0.2)": every round's value, and max − min. */
export function spread(values: readonly number[], digits = 2): string {
  const shown = values.map((value) => Number(value.toFixed(digits)));
  const range = Math.max(...values) - Math.min(...values);
  return `rounds: ${shown.join(', ')} (spread ${Number(range.toFixed(digits))})`;
}
