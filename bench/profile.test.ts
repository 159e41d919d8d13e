import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBaseline } from './compare';
import type { Row } from './figures';
import {
  cpuProfileOf,
  heapProfileOf,
  markCompanionStart,
  markProfileSpan,
  measureAndProfile,
} from './profile';
import { categoryOf, summariseCpuProfile, withSourceMap, type CpuProfile } from './profile-summary';

/**
 * A small profile shaped as V8 writes one (bench/profile-summary.fixture.cpuprofile): 14
 * samples 1 ms apart over a pipeline's frames, better-sqlite3's native calls as frames without a
 * file under their JavaScript caller (as the inspector records them), a socket's `writev` under
 * Node's stream code, the garbage collector, idle and the VM's own time.
 */
const fixture = JSON.parse(
  readFileSync(new URL('./profile-summary.fixture.cpuprofile', import.meta.url), 'utf8'),
) as CpuProfile;

const shareOf = (shares: { name: string; percent: number }[], name: string) =>
  shares.find((share) => share.name === name)?.percent ?? 0;

describe('what dominates a CPU profile', () => {
  const summary = summariseCpuProfile(fixture);

  it('groups every sampled millisecond into one category: they sum to 100 %', () => {
    expect(summary.sampledMilliseconds).toBe(14);
    const total = summary.categories.reduce((sum, share) => sum + share.percent, 0);
    expect(total).toBeCloseTo(100, 9);
  });

  it('counts SQLite native calls in their store or better-sqlite3 caller as SQLite', () => {
    // Three under sqliteTransaction, one under #recordNow, and #recordNow itself.
    expect(shareOf(summary.categories, 'SQLite')).toBeCloseTo((5 / 14) * 100, 9);
    expect(summary.top[0]).toEqual({
      name: 'native call from sqliteTransaction (better-sqlite3/lib/methods/transaction.js)',
      percent: (3 / 14) * 100,
    });
  });

  it('names the garbage collector, socket.io with the socket writes, the policy and zod', () => {
    expect(shareOf(summary.categories, 'GC')).toBeCloseTo((2 / 14) * 100, 9);
    expect(shareOf(summary.categories, 'socket.io')).toBeCloseTo((2 / 14) * 100, 9);
    expect(shareOf(summary.categories, 'policy')).toBeCloseTo((1 / 14) * 100, 9);
    expect(shareOf(summary.categories, 'zod')).toBeCloseTo((1 / 14) * 100, 9);
    expect(shareOf(summary.categories, 'idle')).toBeCloseTo((1 / 14) * 100, 9);
    // (program) and the event batch's own code are neither.
    expect(shareOf(summary.categories, 'other')).toBeCloseTo((2 / 14) * 100, 9);
    expect(summary.top.map((share) => share.name)).toContain('(garbage collector)');
  });

  it('ranks at most five functions, largest first', () => {
    expect(summary.top).toHaveLength(5);
    const percents = summary.top.map((share) => share.percent);
    expect(percents).toEqual([...percents].sort((left, right) => right - left));
  });

  it('counts from a mark: the samples before it are left out', () => {
    // From the 9th sample on: #recordNow, tryParse, writev, decide, _parse, run, idle.
    const later = summariseCpuProfile(fixture, { from: fixture.startTime + 8_500 });
    expect(later.sampledMilliseconds).toBe(6);
    expect(shareOf(later.categories, 'GC')).toBe(0);
    expect(shareOf(later.categories, 'socket.io')).toBeCloseTo((2 / 6) * 100, 9);
  });

  it('counts a span between two marks: the three samples of sqliteTransaction alone', () => {
    const span = summariseCpuProfile(fixture, {
      from: fixture.startTime + 3_500,
      to: fixture.startTime + 6_500,
    });
    expect(span.sampledMilliseconds).toBe(3);
    expect(span.categories).toEqual([{ name: 'SQLite', percent: 100 }]);
  });

  it('sorts frames by where they come from', () => {
    expect(categoryOf('format', 'file:///x/node_modules/libphonenumber-js/core/index.js')).toBe(
      'phone formatting',
    );
    expect(categoryOf('deliver', 'file:///x/main/core/delivery/delivery-engine.ts')).toBe(
      'delivery',
    );
    expect(categoryOf('Module._load', 'node:internal/modules/cjs/loader')).toBe('module loading');
    expect(categoryOf('onmessage', 'file:///x/node_modules/engine.io-client/build/cjs/x.js')).toBe(
      'socket.io',
    );
  });
});

describe('a built bundle’s profile', () => {
  it('gives each of its frames the source file it was built from, then its category', () => {
    const bundle = fileURLToPath(new URL('../dist/headless/headless-cli.cjs', import.meta.url));
    const frame = (id: number, functionName: string, url: string, lineNumber: number) => ({
      id,
      callFrame: { functionName, url, lineNumber, columnNumber: 2 },
    });
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(root)', '', -1),
        frame(2, 'recordDecision', `file://${bundle}`, 0),
        frame(3, 'isTimeZone', `file://${bundle}`, 1),
        frame(4, 'parse', 'file:///work/main/node_modules/zod/v4/core/parse.cjs', 10),
      ],
      startTime: 0,
      endTime: 4_000,
      samples: [2, 3, 4],
      timeDeltas: [1_000, 1_000, 1_000],
    };
    // Line 1 of the bundle is built from the store's repository, line 2 from common/time-zone.ts.
    const mapped = withSourceMap(
      profile,
      bundle,
      {
        version: 3,
        file: 'headless-cli.cjs',
        sources: [
          '../../main/core/store/repositories/processed-events.ts',
          '../../common/time-zone.ts',
        ],
        sourcesContent: [],
        names: [],
        mappings: 'AAAA;ACAA',
        sourceRoot: '',
      },
      `${bundle}.map`,
    );
    const summary = summariseCpuProfile(mapped);
    expect(summary.top.map((share) => share.name)).toEqual([
      'recordDecision (main/core/store/repositories/processed-events.ts)',
      'isTimeZone (common/time-zone.ts)',
      'parse (zod/v4/core/parse.cjs)',
    ]);
    expect(summary.categories.map((share) => share.name)).toEqual(['SQLite', 'other', 'zod']);
  });
});

/** A bench part that counts its profiled rounds: a port, no module mocked. */
function fakePart(rows: Row[]) {
  const part = {
    name: 'fake part',
    measured: 0,
    profiled: 0,
    measure: () => {
      part.measured += 1;
      return Promise.resolve(rows);
    },
    profile: () => {
      part.profiled += 1;
      return Promise.resolve(['what dominates (fake): SQLite 60.0 %, other 40.0 %']);
    },
  };
  return part;
}

const met: Row = { name: 'fast enough', value: 1, unit: 'ms', target: '≤ 2 ms', met: true };
const missed: Row = { name: 'too slow', value: 3, unit: 'ms', target: '≤ 2 ms', met: false };
const untargeted: Row = { name: 'a figure', value: 7, unit: 'ms' };

describe('profiling a bench part', () => {
  const log = (): void => undefined;

  it('does not profile a part whose targets are all met', async () => {
    const part = fakePart([met, untargeted]);
    const rows = await measureAndProfile(part, { always: false, log });
    expect(part.profiled).toBe(0);
    expect(rows.every((row) => row.profile === undefined)).toBe(true);
  });

  it('profiles one extra round of a part with a missed target, after its measured rounds', async () => {
    const part = fakePart([met, missed, untargeted]);
    const rows = await measureAndProfile(part, { always: false, log });
    expect(part.measured).toBe(1);
    expect(part.profiled).toBe(1);
    expect(rows.find((row) => row.name === 'too slow')?.profile).toEqual([
      'what dominates (fake): SQLite 60.0 %, other 40.0 %',
    ]);
    expect(rows.find((row) => row.name === 'fast enough')?.profile).toBeUndefined();
    expect(rows.find((row) => row.name === 'a figure')?.profile).toBeUndefined();
  });

  it('with --profile, profiles a part that met its targets and shows it under them', async () => {
    const part = fakePart([met, untargeted]);
    const rows = await measureAndProfile(part, { always: true, log });
    expect(part.profiled).toBe(1);
    expect(rows.find((row) => row.name === 'fast enough')?.profile).toHaveLength(1);
  });

  it('keeps the measured rows when the profiled round fails, and says so', async () => {
    const lines: string[] = [];
    const part = {
      ...fakePart([missed]),
      profile: () => Promise.reject(new Error('the replay server did not start')),
    };
    const rows = await measureAndProfile(part, { always: false, log: (line) => lines.push(line) });
    expect(rows).toEqual([missed]);
    expect(lines.at(-1)).toBe('fake part: profiling failed: the replay server did not start');
  });
});

/** Busy for about 150 ms of CPU time, each in a loop of its own (their names are what is checked). */
function floorWork(): number {
  const until = process.cpuUsage().user + 150_000;
  let sum = 0;
  while (process.cpuUsage().user < until)
    for (let index = 0; index < 500_000; index += 1) sum += index;
  return sum;
}
function companionWork(): number {
  const until = process.cpuUsage().user + 150_000;
  let sum = 0;
  while (process.cpuUsage().user < until)
    for (let index = 0; index < 500_000; index += 1) sum -= index;
  return sum;
}

function endWork(): number {
  const until = process.cpuUsage().user + 150_000;
  let sum = 1;
  while (process.cpuUsage().user < until)
    for (let index = 0; index < 500_000; index += 1) sum ^= index;
  return sum;
}

describe('the profilers in this process', () => {
  it('summarise a round from the companion mark: the floor before it is not counted', async () => {
    const lines = await cpuProfileOf(() => {
      floorWork();
      markCompanionStart();
      companionWork();
      return Promise.resolve();
    }, 'test round');
    expect(lines[0]).toMatch(
      /^what dominates \(test round, the companion's part, \d+ ms sampled\)/u,
    );
    const top = lines[1] ?? '';
    expect(top).toMatch(/^top: companionWork \(bench\/profile\.test\.ts\) \d/u);
    expect(top).not.toMatch(/floorWork/u);
  });

  it('adds the summary from another mark on: the end of a round on its own', async () => {
    const lines = await cpuProfileOf(() => {
      markCompanionStart();
      companionWork();
      markProfileSpan('its end');
      endWork();
      return Promise.resolve();
    }, 'test round');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^what dominates \(its end, \d+ ms sampled\)/u);
    expect(lines[3]).toMatch(/^top: endWork \(bench\/profile\.test\.ts\) \d/u);
    expect(lines[3]).not.toMatch(/companionWork/u);
  });

  it('count allocations and garbage collections for a memory target', async () => {
    const lines = await heapProfileOf(() => {
      const kept: number[][] = [];
      for (let index = 0; index < 5_000; index += 1)
        kept.push(new Array<number>(1_000).fill(index));
      return Promise.resolve(kept.length);
    }, 'test soak');
    expect(lines[0]).toMatch(
      /^what allocates \(test soak, \d+ MB sampled, collected or not\): other/u,
    );
    expect(lines[2]).toMatch(/^garbage collections: \d+ (minor|major)/u);
  });
});

describe('the committed baseline', () => {
  it('still reads: its rows carry no profile', () => {
    const baseline = readBaseline(new URL('./results/baseline.json', import.meta.url).pathname);
    const row = baseline.get('throughput full / raw');
    expect(row?.unit).toBe('%');
    expect(row?.profile).toBeUndefined();
  });
});
