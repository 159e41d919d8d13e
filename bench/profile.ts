import type { HeapProfiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import type { Row } from './figures';
import {
  describeFrame,
  isNative,
  summariseCpuProfile,
  describeCpuProfile,
  type Share,
} from './profile-summary';

type Frame = Parameters<typeof describeFrame>[0];

/**
 * "What dominates" for a missed target (issue 15's "Done when"): profiling skews timings, so no
 * measured round is ever profiled. After a part's measured rounds, when one of its targets is
 * missed (or always with `--profile`), one extra round of that part runs under a profiler and
 * its summary is attached to the missed rows (`Row.profile`), printed under them in the table.
 */

/** A bench part: its measured rows, and how to profile one extra round of it. */
export interface ProfiledPart {
  name: string;
  measure(): Promise<Row[]>;
  /** One extra round under a profiler: the lines that say what dominated it. */
  profile(): Promise<string[]>;
}

/**
 * Runs `part.measure()`; when a row's target is missed (or `always`), runs `part.profile()` once
 * and attaches its lines to the missed rows (with `always` and nothing missed, to the rows that
 * have a target, else to the last row). A failed profile is logged; the measured rows stay.
 */
export async function measureAndProfile(
  part: ProfiledPart,
  options: { always: boolean; log: (line: string) => void },
): Promise<Row[]> {
  const rows = await part.measure();
  const missed = rows.filter((row) => row.met === false);
  if (missed.length === 0 && !options.always) return rows;
  const why = missed.length > 0 ? `${missed.length} target(s) missed` : '--profile';
  options.log(`${part.name}: ${why}, one extra round under the profiler…`);
  let lines: string[];
  try {
    lines = await part.profile();
  } catch (error) {
    options.log(
      `${part.name}: profiling failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return rows;
  }
  const targeted = rows.filter((row) => row.target !== undefined);
  const receivers = new Set(
    missed.length > 0 ? missed : targeted.length > 0 ? targeted : rows.slice(-1),
  );
  return rows.map((row) => (receivers.has(row) ? { ...row, profile: lines } : row));
}

/**
 * Moments marked in the round being profiled, by name, each the first time it is reached (the
 * monotonic clock, microseconds: the profile's own). "companion": the companion's path started
 * (bench/full-path.ts), so a round that measures its floor first (the bare socket.io client) is
 * summarised from there and the floor's work is not counted as the companion's. Any other mark
 * (the catch-up's end, from `replayDone`) adds the summary of the round from it on.
 */
const marks = new Map<string, { from: number; to?: number }>();
let profiling = false;
const now = () => Number(process.hrtime.bigint() / 1000n);

/** Marks a moment of a profiled round (costs nothing when none is profiled). */
export function markProfileSpan(name: string): void {
  if (profiling && !marks.has(name)) marks.set(name, { from: now() });
}

/** Ends the span `markProfileSpan(name)` began (else it runs to the round's end). */
export function endProfileSpan(name: string): void {
  const mark = marks.get(name);
  if (profiling && mark && mark.to === undefined) mark.to = now();
}

/** Marks the companion's start in a profiled round (bench/full-path.ts). */
export function markCompanionStart(): void {
  markProfileSpan('companion');
}

/**
 * One run of `work` under V8's sampling CPU profiler in this process (the inspector's Profiler
 * domain, 0.5 ms interval), summarised from the companion's start when `work` marked one, and
 * from each other mark on.
 */
export async function cpuProfileOf(work: () => Promise<unknown>, what: string): Promise<string[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    marks.clear();
    profiling = true;
    await session.post('Profiler.start');
    try {
      await work();
    } finally {
      profiling = false;
    }
    const { profile } = await session.post('Profiler.stop');
    const from = marks.get('companion')?.from;
    const summary = summariseCpuProfile(profile, from === undefined ? {} : { from });
    const lines = describeCpuProfile(
      summary,
      from === undefined ? what : `${what}, the companion's part`,
    );
    for (const [name, span] of marks) {
      if (name === 'companion') continue;
      lines.push(...describeCpuProfile(summariseCpuProfile(profile, span), name));
    }
    return lines;
  } finally {
    session.disconnect();
  }
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * For memory targets: one run of `work` under V8's sampling heap profiler (every allocation
 * sampled, those collected since included, so it names where the heap's churn comes from, by
 * the same categories as the CPU summary) and the garbage collections it took (`gc` performance
 * entries: count and time by kind).
 */
export async function heapProfileOf(work: () => Promise<unknown>, what: string): Promise<string[]> {
  const collections = new Map<string, { count: number; milliseconds: number }>();
  const count = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      const kind = gcKinds[entry.detail?.kind ?? -1] ?? 'other';
      const seen = collections.get(kind) ?? { count: 0, milliseconds: 0 };
      collections.set(kind, {
        count: seen.count + 1,
        milliseconds: seen.milliseconds + entry.duration,
      });
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 64 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await work();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    // Node queues a collection's entry from the GC callback to the next turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    count(observer.takeRecords());
    const byCategory = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let total = 0;
    const visit = (node: HeapProfiler.SamplingHeapProfileNode, caller: Frame | undefined) => {
      const above = isNative(node.callFrame) ? caller : node.callFrame;
      if (node.selfSize > 0) {
        const { category, name } = describeFrame(node.callFrame, caller);
        total += node.selfSize;
        byCategory.set(category, (byCategory.get(category) ?? 0) + node.selfSize);
        byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
      }
      for (const child of node.children) visit(child, above);
    };
    visit(profile.head, undefined);
    const shares = (sizes: Map<string, number>): Share[] =>
      [...sizes]
        .sort((left, right) => right[1] - left[1])
        .map(([name, size]) => ({ name, percent: total === 0 ? 0 : (size / total) * 100 }));
    const percent = (share: Share) => `${share.name} ${share.percent.toFixed(1)} %`;
    const gc = [...collections]
      .map(([kind, { count, milliseconds }]) => `${count} ${kind} (${Math.round(milliseconds)} ms)`)
      .join(', ');
    return [
      `what allocates (${what}, ${Math.round(total / 1048576)} MB sampled, collected or not): ${shares(byCategory).map(percent).join(', ')}`,
      `top: ${shares(byFunction).slice(0, 5).map(percent).join(', ')}`,
      `garbage collections: ${gc || 'none'}`,
    ];
  } finally {
    observer.disconnect();
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
