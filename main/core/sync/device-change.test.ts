import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../ports';
import { startService } from '../../../service';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { startHarness } from '../../../test/support/companion-harness';
import { callApi } from '../../../test/support/service-test-client';
import { waitForValue } from '../../../test/support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-device-change-');

/** Two companions of one user, each with its device name, against the real service. */
async function twoDevices() {
  const running = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
  defer(() => running.close());
  const jordan = running.users.find((user) => user.key === 'jordan');
  if (!jordan) throw new Error('no demo user jordan');
  const open = async (deviceName: string, dataDir = temporaryFolder()) => {
    const harness = startHarness({
      dataDir,
      serviceUrl: running.url,
      token: jordan.token,
      clock: createSystemClock(),
      deviceName,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(harness.companion.connection, (state) => state.status === 'connected');
    return harness.companion;
  };
  return {
    running,
    jordan,
    open,
    laptop: await open('laptop'),
    desktop: await open('jordan-desktop'),
  };
}

describe('a change made on another device of the same user (issue 14 §6)', () => {
  it('says what changed and on which device; the device that made it says nothing', async () => {
    const { laptop, desktop } = await twoDevices();

    await laptop.setDoNotDisturb({ duration: 'oneHour' });

    const seen = await waitForValue(
      desktop.preferences,
      (snapshot) => snapshot?.deviceChange !== undefined,
      'the laptop’s change reaches the desktop with its words',
    );
    expect(seen?.preferences.mutes.doNotDisturb.enabled).toBe(true);
    expect(seen?.deviceChange).toMatchObject({
      sentences: ['Do not disturb was turned on from laptop'],
      deviceName: 'laptop',
    });
    expect(seen?.changedBy).toBeUndefined();
    expect(laptop.preferences.get()?.deviceChange).toBeUndefined();
  });

  it('an older companion that sends no device name still syncs, and the notice is neutral', async () => {
    const { running, jordan, desktop } = await twoDevices();
    const older = { 'x-ringside-protocol': null };
    const current = await callApi(
      running.url,
      jordan.token,
      'GET',
      '/api/preferences',
      undefined,
      older,
    );
    const { version, preferences } = current.body as {
      version: number;
      preferences: { fisherMode: boolean };
    };
    const written = await callApi(
      running.url,
      jordan.token,
      'PUT',
      '/api/preferences',
      { preferences: { ...preferences, fisherMode: !preferences.fisherMode } },
      { ...older, 'if-match': `"${version}"`, 'x-device-id': 'older-device' },
    );
    expect(written.status).toBe(200);

    const seen = await waitForValue(
      desktop.preferences,
      (snapshot) => snapshot?.deviceChange !== undefined,
      'the older companion’s change reaches the desktop',
    );
    expect(seen?.preferences.fisherMode).toBe(!preferences.fisherMode);
    expect(seen?.deviceChange).toMatchObject({
      sentences: ['Fisher Mode was changed on another device'],
      deviceName: null,
    });
  });

  it('a name that is not printable text is left out, and the write still applies', async () => {
    const { running, jordan, desktop } = await twoDevices();
    const current = await callApi(running.url, jordan.token, 'GET', '/api/preferences');
    const { version, preferences } = current.body as {
      version: number;
      preferences: { channels: { desktop: boolean } };
    };
    const next = structuredClone(preferences);
    next.channels.desktop = !preferences.channels.desktop;
    const written = await callApi(
      running.url,
      jordan.token,
      'PUT',
      '/api/preferences',
      { preferences: next },
      {
        'if-match': `"${version}"`,
        'x-device-id': 'odd-device',
        'x-device-name': encodeURIComponent('evil\u202Ename\u0007'),
      },
    );
    expect(written.status).toBe(200);
    const seen = await waitForValue(
      desktop.preferences,
      (snapshot) => snapshot?.deviceChange !== undefined,
      'the change reaches the desktop',
    );
    expect(seen?.deviceChange?.sentences).toEqual([
      'Desktop notifications were changed on another device',
    ]);
  });

  it('a change made while this device was closed is named once it downloads it', async () => {
    const { laptop, open } = await twoDevices();
    const desktopFolder = temporaryFolder();
    const desktop = await open('jordan-desktop', desktopFolder);
    await desktop.stop();

    const before = laptop.preferences.get();
    if (!before) throw new Error('not loaded');
    await laptop.updatePreferences({
      preferences: {
        ...before.preferences,
        channels: {
          ...before.preferences.channels,
          text: { ...before.preferences.channels.text, enabled: true },
        },
      },
    });
    await waitForValue(laptop.sync, (status) => status.status === 'synced');

    const reopened = await open('jordan-desktop', desktopFolder);
    const seen = await waitForValue(
      reopened.preferences,
      (snapshot) => snapshot?.deviceChange !== undefined,
      'the download names the laptop',
    );
    expect(seen?.preferences.channels.text.enabled).toBe(true);
    expect(seen?.deviceChange?.sentences).toEqual(['SMS notifications were turned on from laptop']);
  });
});
