/**
 * `npm run test:electron-e2e`: the Playwright `_electron` tests (e2e/electron/). Where an
 * Electron binary exists it first builds the bundles they launch; where none exists the tests
 * skip themselves, and this script then lists each one that did not run, by name, with why —
 * so a green run here never reads as "start-up, tray mute and pop-up click were tested".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const resultsFile = path.join(root, 'test-results/electron/results.json');

/** As e2e/electron/fixtures.ts decides it (without `require('electron')`, which downloads). */
function electronBinary(): { path: string; available: boolean } {
  const fromEnvironment = process.env['ELECTRON_BINARY'];
  if (fromEnvironment) return { path: fromEnvironment, available: existsSync(fromEnvironment) };
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = path.join(root, 'node_modules/electron/dist', relative);
  return { path: binary, available: existsSync(binary) };
}

function run(args: string[]): number {
  const result = spawnSync(npx, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

interface SuiteReport {
  title: string;
  specs?: Array<{
    title: string;
    file: string;
    tests: Array<{
      status: string;
      annotations?: Array<{ type: string; description?: string }>;
    }>;
  }>;
  suites?: SuiteReport[];
}

const reportSchema = z.looseObject({
  suites: z.array(z.unknown()),
  errors: z.array(z.looseObject({ message: z.string().optional() })).optional(),
});

/** How many tests the report lists at all (a spec file that failed to load lists none). */
export function countTests(suites: readonly SuiteReport[]): number {
  return suites.reduce(
    (total, suite) =>
      total +
      (suite.specs ?? []).reduce((sum, spec) => sum + spec.tests.length, 0) +
      countTests(suite.suites ?? []),
    0,
  );
}

/** Every test that was skipped, with the reason its annotation gives. */
export function notRun(suites: readonly SuiteReport[], parents: string[] = []): string[] {
  const lines: string[] = [];
  for (const suite of suites) {
    const trail = suite.title && !suite.title.endsWith('.ts') ? [...parents, suite.title] : parents;
    for (const spec of suite.specs ?? []) {
      for (const result of spec.tests) {
        if (result.status !== 'skipped') continue;
        const reason =
          result.annotations?.find((annotation) => annotation.type === 'skip')?.description ??
          'skipped';
        lines.push(`${spec.file} › ${[...trail, spec.title].join(' › ')} — ${reason}`);
      }
    }
    lines.push(...notRun(suite.suites ?? [], trail));
  }
  return lines;
}

function main(): void {
  const binary = electronBinary();
  if (binary.available) {
    process.stdout.write(`Electron binary: ${binary.path}\nbuilding the bundles…\n`);
    for (const mode of ['main', 'preload', 'service']) {
      const status = run(['vite', 'build', '-c', 'vite.main.config.ts', '--mode', mode]);
      if (status !== 0) process.exit(status);
    }
    // Always rebuilt: a renderer left in dist/ by an earlier build would test stale pages.
    const status = run(['vite', 'build', '-c', 'renderer/vite.config.ts']);
    if (status !== 0) process.exit(status);
  } else {
    process.stdout.write(
      `No Electron binary at ${binary.path}: the _electron tests will be skipped (set ELECTRON_BINARY to run them).\n`,
    );
  }
  const status = run(['playwright', 'test', '-c', 'e2e/playwright.electron.config.ts']);
  if (!existsSync(resultsFile)) {
    process.stdout.write('No Playwright results file: cannot tell which tests ran.\n');
    process.exit(status === 0 ? 1 : status);
  }
  const report = reportSchema.parse(JSON.parse(readFileSync(resultsFile, 'utf8')));
  const suites = report.suites as SuiteReport[];
  const skipped = notRun(suites);
  const loadErrors = report.errors ?? [];
  if (loadErrors.length > 0) {
    process.stdout.write(
      `\nLOAD ERRORS (${loadErrors.length}): the tests of these files did not run at all:\n${loadErrors
        .map((error) => `  - ${(error.message ?? 'unknown error').split('\n')[0] ?? ''}`)
        .join('\n')}\n`,
    );
  }
  if (countTests(suites) === 0) {
    process.stdout.write('\nNo Electron end-to-end test was found: none ran.\n');
    process.exit(status === 0 ? 1 : status);
  }
  if (skipped.length > 0) {
    process.stdout.write(
      `\nNOT RUN (${skipped.length}):\n${skipped.map((line) => `  - ${line}`).join('\n')}\n`,
    );
  } else if (loadErrors.length === 0) {
    process.stdout.write('\nEvery Electron end-to-end test ran.\n');
  }
  process.exit(status);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
