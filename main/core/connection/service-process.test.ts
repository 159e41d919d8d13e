import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRootAbove } from './service-process';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { temporaryFolder } = cleanupAfterEach('ringside-project-root-');
const checkout = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/u, '');

describe('where the stand-in service is started from', () => {
  it('finds the checkout from this source folder and from the bundles npm start and npm run headless build', () => {
    // `npm start` in demo mode once spawned the service from the folder above the checkout
    // (a fixed '../../../' from the bundle in dist/launcher/), where tsx cannot be found.
    for (const folder of ['main/core/connection', 'dist/launcher', 'dist/headless', '.']) {
      expect(projectRootAbove(join(checkout, folder))).toBe(checkout);
    }
  });

  it('says so when no checkout holds the service', () => {
    const outside = join(temporaryFolder(), 'dist', 'headless');
    mkdirSync(outside, { recursive: true });
    expect(() => projectRootAbove(outside)).toThrow(/service\/cli\.ts.*not in or above/u);
  });
});
