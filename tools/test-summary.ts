/**
 * Prints CI's closing line, "tests: N passed, N failed, N skipped", summed over the vitest run
 * and the browser tests from their JSON reports, so a reader (or a machine) sees at a glance
 * how many tests ran. Exits non-zero when a report is missing or counts a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const vitestReportSchema = z.looseObject({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number().optional(),
});

const playwrightReportSchema = z.looseObject({
  stats: z.looseObject({
    expected: z.number(),
    unexpected: z.number(),
    skipped: z.number(),
    flaky: z.number(),
  }),
});

function read(relative: string): unknown {
  const file = path.join(root, relative);
  if (!existsSync(file)) throw new Error(`test-summary: no report at ${relative}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const unit = vitestReportSchema.parse(read('test-results/vitest.json'));
const browser = playwrightReportSchema.parse(read('test-results/browser-results.json')).stats;

const passed = unit.numPassedTests + browser.expected + browser.flaky;
const failed = unit.numFailedTests + browser.unexpected;
const skipped = unit.numPendingTests + (unit.numTodoTests ?? 0) + browser.skipped;

console.log(
  `unit and integration: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed; ` +
    `browser: ${browser.expected + browser.flaky} passed, ${browser.unexpected} failed`,
);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
