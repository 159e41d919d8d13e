import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCompanion } from '../../main/core/companion';
import { createSystemClock, type Logger } from '../../main/core/ports';
import { storePathFor } from '../../main/core/store';
import { waitForValue } from '../../test/support/wait-for';
import { expect, test } from './fixtures';
import { createPopupSink } from './popup-sink';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

test.describe('the in-app list (issue 14 §4)', () => {
  test.use({ user: 'jordan' });

  test('filters by type with the kind the core stored, after Activity pruned the events', async ({
    settings,
    service,
    companion,
    dataDir,
  }) => {
    const jordanId = service.userIdOf('jordan');
    const text = service.inject(jordanId, {
      kind: 'text',
      lineId: 'line-jordan',
      from: '+14155552631',
      contactName: 'Ann Lee',
      body: 'Running late',
    })[0];
    const mention = service.inject(jordanId, {
      kind: 'mention',
      byName: 'Sam Rivera',
      conversation: 'Front desk',
      excerpt: 'Can you take the 3 pm?',
    })[0];
    await waitForValue(companion.unread, (count) => count === 2);

    // Retention has pruned both events' records (Activity's rows); the items stay listed. A
    // second connection does it, as retention's own step does, while the core holds the store.
    const store = new Database(storePathFor(join(dataDir, 'companion'), jordanId));
    try {
      store.exec('DELETE FROM processed_events');
    } finally {
      store.close();
    }

    await settings.open('#/activity');
    await expect(settings.activity.row(text?.id ?? '')).toHaveCount(0);
    await settings.open('#/notifications');
    const notifications = settings.notifications;
    await expect(notifications.rows()).toHaveCount(2);
    await notifications.filter('Texts');
    await expect(notifications.rows()).toHaveCount(1);
    await expect(notifications.row(text?.id ?? '')).toBeVisible();
    await notifications.filter('Mentions');
    await expect(notifications.rows()).toHaveCount(1);
    await expect(notifications.row(mention?.id ?? '')).toBeVisible();
    await notifications.filter('All types');
    await expect(notifications.rows()).toHaveCount(2);
  });
});

test.describe('a ringing call in the list', () => {
  test.use({ user: 'jordan' });

  test('its item follows the call while the page is open, though the unread count stays the same', async ({
    settings,
    service,
    companion,
  }) => {
    const jordanId = service.userIdOf('jordan');
    const call = (state: string, extra: Record<string, unknown> = {}) => ({
      kind: 'call',
      lineId: 'line-jordan',
      from: '+14155552631',
      contactName: 'Ann Lee',
      callId: 'call-in-the-list',
      state,
      ...extra,
    });
    const ringing = service.inject(jordanId, call('ringing'))[0];
    await waitForValue(companion.unread, (count) => count === 1);
    await settings.open('#/notifications');
    const row = settings.notifications.row(ringing?.id ?? '');
    await expect(row).toContainText("Incoming call on Jordan's line");
    // Rewritten, still unread: the count does not move, the row does.
    service.inject(
      jordanId,
      call('answered', { answeredBy: { userId: 'user-taylor', name: 'Taylor Reed' } }),
    );
    await expect(row).toContainText('Answered by Taylor Reed');
    expect(companion.unread.get()).toBe(1);
  });
});

test.describe('a change made on another device (issue 14 §6)', () => {
  test.use({ user: 'jordan' });

  test('the window names what changed and where, until dismissed', async ({
    settings,
    service,
    dataDir,
  }) => {
    await settings.expectSynced();
    const laptop = createCompanion({
      dataDir: join(dataDir, 'laptop'),
      serviceUrl: service.url,
      token: service.tokenOf('jordan'),
      notifier: createPopupSink(null),
      clock: createSystemClock(),
      logger: silent,
      deviceName: 'laptop',
    });
    try {
      await laptop.start();
      await waitForValue(laptop.connection, (state) => state.status === 'connected');
      await laptop.setDoNotDisturb({ duration: 'oneHour' });
      const notice = settings.page.getByTestId('device-change');
      await expect(notice).toHaveText(/^Do not disturb was turned on from laptop\./);
      await notice.getByRole('button', { name: /^Dismiss/ }).click();
      await expect(notice).toHaveCount(0);
    } finally {
      await laptop.stop();
    }
  });
});
