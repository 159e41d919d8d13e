import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface Cleanups {
  /** Runs `cleanup` after the current test, after everything deferred later (last first). */
  defer: (cleanup: () => unknown) => void;
  /** A fresh folder under the OS temp folder, removed after the current test. */
  temporaryFolder: () => string;
}

/**
 * What a test opened, undone after it, last first, whether it passed or not. Call it once at the
 * top of a test file; `prefix` names the file's temp folders (`ringside-session-…`).
 */
export function cleanupAfterEach(prefix: string): Cleanups {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const defer = (cleanup: () => unknown) => {
    cleanups.push(cleanup);
  };
  return {
    defer,
    temporaryFolder: () => {
      const folder = mkdtempSync(join(tmpdir(), prefix));
      defer(() => rmSync(folder, { recursive: true, force: true }));
      return folder;
    },
  };
}
