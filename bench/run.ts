import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCatchUp } from './catch-up';
import { compareWith, readBaseline, type Baseline } from './compare';
import { type Row } from './figures';
import { benchEventPath } from './event-path';
import { benchHeadlessProcess, coldStartProfile } from './headless-process';
import { cpuProfileOf, heapProfileOf, measureAndProfile, type ProfiledPart } from './profile';
import { describeCpuProfile, summariseCpuProfile } from './profile-summary';
import { benchSoak } from './soak';
import { benchUnreadCost } from './unread-cost';

/**
 * `npm run bench`: the event path on loopback — raw socket.io-client receive (the floor)
 * against the full companion path up to the notifier (validate, dedupe, persist, decide) for
 * the same stream, as ratios measured in one run — then the other engineers' benches
 * (bench/store-*.ts, sync-*.ts, delivery-*.ts, renderer-*.ts, when present) and a soak of
 * 1,000,000 events through the pipeline with resident memory before and after. Prints a table
 * and writes bench/results/latest.json. Under each missed target, what dominated one extra,
 * profiled round of its part (bench/profile.ts).
 */

const benchFolder = fileURLToPath(new URL('./', import.meta.url));

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Measures a part and, where a target is missed (or `--profile`), profiles one extra round. */
type Profiled = (part: ProfiledPart) => Promise<Row[]>;

/** bench/store-*.ts, sync-*.ts, delivery-*.ts, renderer-*.ts: every exported `bench…` function. */
async function otherBenches(log: (line: string) => void, profiled: Profiled): Promise<Row[]> {
  const rows: Row[] = [];
  for (const prefix of ['store-', 'sync-', 'delivery-', 'renderer-']) {
    const files = readdirSync(benchFolder).filter(
      (file) => file.startsWith(prefix) && file.endsWith('.ts') && !file.endsWith('.test.ts'),
    );
    if (files.length === 0) {
      log(`(no bench/${prefix}*.ts yet: skipped)`);
      continue;
    }
    for (const file of files) {
      const module = (await import(pathToFileURL(join(benchFolder, file)).href)) as Record<
        string,
        unknown
      >;
      const benches = Object.entries(module).filter(
        (entry): entry is [string, () => unknown] =>
          entry[0].startsWith('bench') && typeof entry[1] === 'function',
      );
      if (benches.length === 0) log(`(bench/${file} exports no bench… function: skipped)`);
      for (const [name, bench] of benches) {
        log(`running ${file} ${name}…`);
        try {
          const named = async () => {
            const result = await bench();
            return Array.isArray(result)
              ? (result as Row[]).map((row) => ({
                  ...row,
                  name: `${prefix.slice(0, -1)}: ${row.name}`,
                }))
              : [];
          };
          rows.push(
            ...(await profiled({
              name: `bench/${file} ${name}`,
              measure: named,
              profile: () => cpuProfileOf(() => Promise.resolve(bench()), 'one extra run'),
            })),
          );
        } catch (error) {
          log(
            `bench/${file} ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
  }
  return rows;
}

function printTable(
  rows: readonly Row[],
  write: (line: string) => void,
  baseline: Baseline | null,
): void {
  const nameWidth = Math.max(...rows.map((row) => row.name.length), 10);
  const against = baseline ? `  ${'baseline'.padStart(12)}` : '';
  write(`${'figure'.padEnd(nameWidth)}  ${'value'.padStart(12)}${against}  unit       target    `);
  write('-'.repeat(nameWidth + (baseline ? 64 : 50)));
  for (const row of rows) {
    const verdict = typeof row.met === 'boolean' ? (row.met ? ' met' : ' MISSED') : '';
    const target = row.target === undefined ? '' : `${String(row.target)}${verdict}`;
    const detail = row.detail ? `  (${row.detail})` : '';
    const then = baseline ? `  ${compareWith(baseline, row).padStart(12)}` : '';
    write(
      `${row.name.padEnd(nameWidth)}  ${String(row.value).padStart(12)}${then}  ${row.unit.padEnd(9)}  ${target}${detail}`,
    );
    for (const line of row.profile ?? []) write(`    ${line}`);
  }
}

/**
 * `--soak 1000000 --soak-runs 3`: each run's rows, named by run after the first. Its profile is
 * about memory: a shorter extra soak under the sampling heap profiler, with its collections.
 */
async function soakRows(
  events: string,
  runs: string,
  log: (line: string) => void,
  profiled: Profiled,
): Promise<Row[]> {
  const extra = Math.min(Number(events), 200_000);
  return profiled({
    name: 'soak',
    async measure() {
      const rows: Row[] = [];
      for (let run = 1; run <= Math.max(1, Number(runs)); run += 1) {
        log(`soak ${run}: ${Number(events).toLocaleString('en-US')} events…`);
        const soak = await benchSoak(Number(events));
        rows.push(
          ...(run === 1 ? soak : soak.map((row) => ({ ...row, name: `${row.name} (run ${run})` }))),
        );
      }
      return rows;
    },
    profile: () =>
      heapProfileOf(
        () => benchSoak(extra),
        `an extra soak of ${extra.toLocaleString('en-US')} events`,
      ),
  });
}

/** The catch-up rows for `--catch-up 20000,100000 --catch-up-rounds 2`. */
async function catchUpRows(
  counts: string,
  rounds: string,
  log: (line: string) => void,
  profiled: Profiled,
): Promise<Row[]> {
  const backlogs = counts
    .split(',')
    .map(Number)
    .filter((count) => count > 0);
  log(`catch-up: ${backlogs.join(', ')} missed events, bare replay vs the companion…`);
  const rows: Row[] = [];
  for (const backlog of backlogs) {
    rows.push(
      ...(await profiled({
        name: `catch-up ${backlog}`,
        measure: () => benchCatchUp([backlog], Math.max(1, Number(rounds))),
        profile: () => cpuProfileOf(() => benchCatchUp([backlog], 1), 'one extra round'),
      })),
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '2000' },
      burst: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '3' },
      soak: { type: 'string', default: '1000000' },
      // Soak runs, one after another in this process (the issue asks three of three: `--soak-runs 3`).
      'soak-runs': { type: 'string', default: '3' },
      // Catch-up backlogs (comma-separated) and rounds of each.
      'catch-up': { type: 'string', default: '20000,100000' },
      'catch-up-rounds': { type: 'string', default: '2' },
      // Seconds the idle processes are watched (figures scaled to 5 minutes); 0 skips it.
      idle: { type: 'string', default: '30' },
      // Prints each figure beside the one of this earlier results file.
      compare: { type: 'string' },
      'skip-others': { type: 'boolean', default: false },
      // Profiles one extra round of every part, not only of those with a missed target.
      profile: { type: 'boolean', default: false },
      // `--only path`: just the raw-vs-full comparison (seconds), e.g. while profiling;
      // `--only catch-up` / `--only soak`: just those rows.
      only: { type: 'string' },
    },
  });
  const parts = ['path', 'catch-up', 'soak'];
  if (values.only !== undefined && !parts.includes(values.only)) {
    throw new Error(`--only takes ${parts.join(', ')} (got "${values.only}")`);
  }
  const onlyPath = values.only === 'path';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const profiled: Profiled = (part) => measureAndProfile(part, { always: values.profile, log });
  const rounds = Math.max(1, Number(values.rounds));
  const started = performance.now();
  const rows: Row[] = [];
  if (values.only === 'catch-up') {
    rows.push(...(await catchUpRows(values['catch-up'], values['catch-up-rounds'], log, profiled)));
  } else if (values.only === 'soak') {
    rows.push(...(await soakRows(values.soak, values['soak-runs'], log, profiled)));
  } else {
    log('event path: raw socket.io vs the full companion path…');
    const [samples, burst] = [Number(values.samples), Number(values.burst)];
    rows.push(
      ...(await profiled({
        name: 'event path',
        measure: () => benchEventPath(samples, burst, rounds),
        profile: () => cpuProfileOf(() => benchEventPath(samples, burst, 1), 'one extra round'),
      })),
    );
  }
  if (!onlyPath && values.only === undefined) {
    // The soak runs before the other benches so its "before" is not their high-water mark.
    rows.push(...(await soakRows(values.soak, values['soak-runs'], log, profiled)));
    rows.push(...(await catchUpRows(values['catch-up'], values['catch-up-rounds'], log, profiled)));
    log('per-event cost at 1,000 / 10,000 / 100,000 unread…');
    rows.push(
      ...(await profiled({
        name: 'per-event cost',
        measure: () => benchUnreadCost(rounds),
        profile: () => cpuProfileOf(() => benchUnreadCost(1), 'one extra round'),
      })),
    );
    log('headless process: cold start and idle, against a bare client…');
    rows.push(
      ...(await profiled({
        name: 'headless process',
        measure: () => benchHeadlessProcess(rounds, Number(values.idle)),
        profile: async () =>
          describeCpuProfile(
            summariseCpuProfile(await coldStartProfile()),
            'one extra cold start, --cpu-prof',
          ),
      })),
    );
    if (!values['skip-others']) rows.push(...(await otherBenches(log, profiled)));
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const baseline = values.compare === undefined ? null : readBaseline(values.compare);
  printTable(rows, (line) => process.stdout.write(`${line}\n`), baseline);
  process.stdout.write(`\nTotal bench time: ${seconds} s\n`);
  const resultsFolder = join(benchFolder, 'results');
  mkdirSync(resultsFolder, { recursive: true });
  writeFileSync(
    join(resultsFolder, 'latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, seconds, rows }, null, 2)}\n`,
  );
  process.stdout.write(`Written to bench/results/latest.json\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
