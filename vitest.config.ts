import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The one shared fake of Electron (Fiddle's tests/mocks/electron.ts): no Electron binary runs here.
    alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  },
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**', 'release/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['common/**/*.ts', 'main/**/*.ts', 'service/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.test-support.ts', '**/README.md'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { 'common/**/*.ts': { lines: 95 } },
    },
  },
});
