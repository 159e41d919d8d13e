import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the settings window: Debian's Chromium (never a downloaded browser), one
 * worker (each test runs a service, a core and a browser on a 2-core machine), the built renderer
 * served by `vite preview`. Each test bridges `window.api` to the real core (browser/fixtures.ts).
 */
const port = Number(process.env['RINGSIDE_RENDERER_PORT'] ?? 4179);
const ci = Boolean(process.env['CI']);

export const browserTestConfig = defineConfig({
  testDir: './browser',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/browser',
  workers: 1,
  fullyParallel: false,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    // Read by tools/test-summary.ts for CI's closing line.
    ['json', { outputFile: '../test-results/browser-results.json' }],
    ...(ci ? [] : [['html', { outputFolder: '../playwright-report', open: 'never' }] as const]),
  ],
  use: {
    browserName: 'chromium',
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1200, height: 900 },
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npm run build:renderer && npx vite preview --config renderer/vite.config.ts --port ${port} --strictPort`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: !ci,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});

// Playwright reads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default browserTestConfig;
