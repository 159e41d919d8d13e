import { defineConfig } from '@playwright/test';

/**
 * Playwright `_electron` tests of the real desktop shell (e2e/electron/). They need an Electron
 * binary: where there is none (this machine) every test is skipped with the reason "Electron
 * binary not available: <path>". Run with `npm run test:electron-e2e`, which builds the bundles
 * when a binary exists and lists, by name, the tests that did not run.
 */
const ci = Boolean(process.env['CI']);

export const electronTestConfig = defineConfig({
  testDir: './electron',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/electron',
  workers: 1,
  fullyParallel: false,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '../test-results/electron/results.json' }]],
  use: { trace: 'on-first-retry', screenshot: 'only-on-failure' },
});

// Playwright reads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default electronTestConfig;
