import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RendererApi } from '../../common';
import { createCompanion } from '../../main/core/companion';
import { createSystemClock, type Logger } from '../../main/core/ports';
import { startService } from '../../service/index';
import { waitForValue } from '../../test/support/wait-for';
import { expect, test } from './fixtures';
import { createPopupSink } from './popup-sink';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

test.describe('sync status', () => {
  // Sam is on the recipients list, so the lead threshold is on his Alerts page.
  test.use({ user: 'sam' });

  test('an edit made offline and overridden on another device shows "conflict resolved" with what was overridden', async ({
    settings,
    service,
    companion,
  }) => {
    await settings.expectSynced();
    const databasePath = service.running?.databasePath;
    if (!databasePath) throw new Error('The service is not running');
    const threshold = settings.section('leads').getByTestId('lead-threshold');

    // This device goes offline and raises the lead threshold; the edit waits in its outbox.
    await service.stop();
    await expect(settings.connectionStatus).not.toHaveText('Connected');
    await threshold.fill('70');
    // "1 edit waiting to sync", or "Not synced since …: 1 edit waiting" once a send failed.
    await expect(settings.syncStatus).toHaveText(/1 edit waiting/);

    // Meanwhile another device of the same user, which can still reach the service (the same
    // database behind another port), lowers it to 40.
    const otherFolder = mkdtempSync(join(tmpdir(), 'ringside-other-device-'));
    const elsewhere = await startService({ host: '127.0.0.1', port: 0, databasePath });
    const other = createCompanion({
      dataDir: otherFolder,
      serviceUrl: elsewhere.url,
      token: service.tokenOf('sam'),
      notifier: createPopupSink(null),
      clock: createSystemClock(),
      logger: silent,
    });
    try {
      await other.start();
      const snapshot = await waitForValue(other.preferences, (value) => value !== null);
      if (!snapshot) throw new Error('no preferences');
      await other.updatePreferences({
        preferences: { ...snapshot.preferences, leadScoreThreshold: 40 },
      });
      await waitForValue(other.sync, (status) => status.status === 'synced');
    } finally {
      await other.stop();
      await elsewhere.close();
      rmSync(otherFolder, { recursive: true, force: true });
    }

    // Back online: the service's value wins, and the window says whose edit was overridden.
    await service.start();
    await expect(settings.syncStatus).toHaveText(
      /Another device's change was kept: lead score threshold is 40 \(yours was 70\)/,
      { timeout: 15_000 },
    );
    await expect(threshold).toHaveValue('40');
    expect(companion.preferences.get()?.preferences.leadScoreThreshold).toBe(40);

    // Resolved, the notice goes once read: dismissed, the header says "Synced" again.
    await settings.page
      .locator('header.app-header')
      .getByRole('button', { name: /^Dismiss the sync conflict/ })
      .click();
    await expect(settings.syncStatus).toHaveText(/^Synced/);
    await expect(settings.syncStatus).not.toContainText('Another device');
    // The core drops the conflict at the next edit too (the tray and headless read it there).
    await threshold.fill('45');
    await waitForValue(companion.sync, (status) => status.status === 'synced');
    await expect(settings.syncStatus).toHaveText(/^Synced/);
  });
});

test.describe('sync error', () => {
  test('a change the service refuses is undone and the refusal stays visible in the status bar', async ({
    settings,
    companion,
  }) => {
    await settings.expectSynced();
    // A recipient who is no longer in the business (removed on the server since the window
    // loaded): the core cannot know, the service refuses the whole change.
    const sent = await settings.page.evaluate(async () => {
      const api = (globalThis as unknown as { api: RendererApi }).api;
      const current = await api.getPreferences();
      if (!current.ok) return current;
      const defaults = current.value.business;
      return api.updateBusinessDefaults({
        defaults: {
          ...defaults,
          recipients: [
            ...defaults.recipients,
            {
              userId: 'user-who-left',
              channels: { desktop: false, inApp: false, email: true, text: false },
              leadScoreThreshold: 50,
            },
          ],
        },
      });
    });
    expect(sent.ok).toBe(true);
    await expect(settings.syncStatus).toHaveText(/^Sync error: .*user-who-left/, {
      timeout: 15_000,
    });
    await settings.goto('recipients');
    await expect(settings.section('recipients')).not.toContainText('user-who-left');
    expect(
      companion.preferences
        .get()
        ?.business.recipients.some((recipient) => recipient.userId === 'user-who-left'),
    ).toBe(false);
  });
});
