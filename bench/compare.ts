import { readFileSync } from 'node:fs';
import type { Row } from './figures';

/** An earlier results file (`bench/results/baseline.json`): its figures by name. */
export type Baseline = ReadonlyMap<string, Row>;

/** Reads a results file that `npm run bench` wrote (`{ rows: Row[] }`). */
export function readBaseline(path: string): Baseline {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { rows?: unknown };
  const rows = Array.isArray(parsed.rows) ? (parsed.rows as Row[]) : [];
  return new Map(
    rows
      .filter((row) => typeof row.name === 'string' && typeof row.value === 'number')
      .map((row) => [row.name, row]),
  );
}

/** The baseline's value of the same figure, or "—" when it had none (a new row). */
export function compareWith(baseline: Baseline, row: Row): string {
  const then = baseline.get(row.name);
  if (!then || then.unit !== row.unit) return '—';
  return String(then.value);
}
