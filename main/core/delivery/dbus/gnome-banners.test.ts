import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../../../../test/support/cleanups';
import { createCondition } from '../../../../test/support/wait-for';
import { parseShowBanners, watchGnomeBanners } from './gnome-banners';

const run = promisify(execFile);
const { defer, temporaryFolder } = cleanupAfterEach('ringside-gnome-');
const gsettings = ['/usr/bin/gsettings', '/bin/gsettings'].some((path) => existsSync(path));

describe('GNOME show-banners', () => {
  it('reads gsettings lines', () => {
    expect(parseShowBanners('true\n')).toBe(true);
    expect(parseShowBanners('show-banners: false')).toBe(false);
    expect(parseShowBanners('No such schema')).toBeNull();
  });

  // The real gsettings, on its keyfile backend in a temp folder (not the person's dconf).
  it.skipIf(!gsettings)('follows the real setting: read once, then each change', async () => {
    const environment = {
      ...process.env,
      GSETTINGS_BACKEND: 'keyfile',
      XDG_CONFIG_HOME: temporaryFolder(),
    };
    const set = (value: string) =>
      run('gsettings', ['set', 'org.gnome.desktop.notifications', 'show-banners', value], {
        env: environment,
      });
    await set('false');
    const seen: boolean[] = [];
    const changed = createCondition();
    const watch = watchGnomeBanners({
      environment,
      onChange: (value) => {
        seen.push(value);
        changed.signal();
      },
    });
    defer(() => watch.stop());
    await changed.until(() => seen.length >= 1, 'the first read');
    expect(seen).toEqual([false]);
    // The monitor may still be starting: turn it on and off until it reports a change.
    for (let attempt = 0; attempt < 20 && !seen.includes(true); attempt += 1) {
      await set(attempt % 2 === 0 ? 'true' : 'false');
      await changed.until(() => seen.length > attempt + 1, 'a change', 500).catch(() => undefined);
    }
    expect(seen[0]).toBe(false);
    expect(seen).toContain(true);
    watch.stop();
  });
});
