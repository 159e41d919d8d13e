import type { BusinessDefaults } from '../../common';
import { trayMenu, type TrayMenuItem } from '../../main/electron/tray-menu';
import { waitForValue } from '../../test/support/wait-for';
import { expect, test } from './fixtures';

/** The labels of a tray menu's items, for the one at `label`. */
function submenuLabels(menu: readonly TrayMenuItem[], label: string): string[] {
  return (menu.find((item) => item.label === label)?.submenu ?? []).map((item) => item.label);
}

test.describe('the window as an agent (issue 14)', () => {
  test.use({ user: 'jordan' });

  test('sets and ends do-not-disturb from the header; the tray shows the same', async ({
    settings,
    companion,
  }) => {
    const header = settings.header;
    await expect(header.doNotDisturb).toHaveText('Do not disturb off');
    await header.setDoNotDisturb('For 2 hours');
    await expect(header.doNotDisturb).toHaveText(/^Do not disturb on until \d{1,2}:\d\d/);
    const snapshot = await waitForValue(
      companion.preferences,
      (value) => value?.preferences.mutes.doNotDisturb.enabled === true,
    );
    const until = Date.parse(snapshot?.preferences.mutes.doNotDisturb.until ?? '');
    expect(until - Date.now()).toBeGreaterThan(119 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(120 * 60_000);

    // The tray menu, built from the core's state, says do-not-disturb is on and offers the
    // header's durations with the header's words.
    const menu = trayMenu({
      connection: companion.connection.get(),
      lines: [],
      mutes: companion.preferences.get()?.preferences.mutes ?? null,
      launchAtLogin: false,
      now: Date.now(),
      timeZone: companion.preferences.get()?.preferences.timeZone ?? 'UTC',
    });
    expect(menu.map((item) => item.label)).toContainEqual(
      expect.stringMatching(/^Do not disturb until /),
    );
    const headerChoices = await header.doNotDisturbMenu
      .locator('.status-menu-panel > button')
      .allTextContents();
    expect(headerChoices).toEqual([
      'For 30 minutes',
      'For 1 hour',
      'For 2 hours',
      'Until tomorrow 8:00',
      'Until I turn it off',
    ]);
    expect(submenuLabels(menu, 'Do not disturb')).toEqual([...headerChoices, '', 'Off']);

    await header.endDoNotDisturb();
    await waitForValue(
      companion.preferences,
      (value) => value?.preferences.mutes.doNotDisturb.enabled === false,
    );
    const after = trayMenu({
      connection: companion.connection.get(),
      lines: [],
      mutes: companion.preferences.get()?.preferences.mutes ?? null,
      launchAtLogin: false,
      now: Date.now(),
      timeZone: 'UTC',
    });
    expect(after.some((item) => item.label.startsWith('Do not disturb until'))).toBe(false);
  });

  test('a chosen end is set; one more than 7 days away is refused next to the field', async ({
    settings,
  }) => {
    const header = settings.header;
    const localValue = (instant: number) =>
      settings.page.evaluate((at) => {
        const date = new Date(at);
        const pad = (value: number) => String(value).padStart(2, '0');
        return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
      }, instant);
    await header.setDoNotDisturbUntil(await localValue(Date.now() + 8 * 24 * 3_600_000));
    await expect(header.doNotDisturbMenu.getByRole('alert')).toHaveText(
      'Do-not-disturb can be set for at most 7 days',
    );
    await expect(header.doNotDisturb).toHaveText('Do not disturb off');
    await header.doNotDisturbMenu
      .getByLabel('Until a time I choose')
      .fill(await localValue(Date.now() + 3 * 3_600_000));
    await header.doNotDisturbMenu.getByRole('button', { name: 'Set', exact: true }).click();
    await expect(header.doNotDisturb).toHaveText(/^Do not disturb on until /);
  });

  test('shows a business lock and a business threshold where the switch is', async ({
    settings,
    service,
  }) => {
    const jordanId = service.userIdOf('jordan');
    const current = (await service.get('alex', '/api/business-defaults')) as {
      version: number;
      defaults: BusinessDefaults;
    };
    current.defaults.alerts.mention.mandatory.desktop = true;
    current.defaults.alerts.appointmentReminder1Minute.enabled = false;
    current.defaults.recipients = [
      ...current.defaults.recipients.filter((entry) => entry.userId !== jordanId),
      {
        userId: jordanId,
        channels: { desktop: true, inApp: true, email: true, text: false },
        leadScoreThreshold: 70,
      },
    ];
    await service.put(
      'alex',
      '/api/business-defaults',
      { defaults: current.defaults },
      current.version,
    );
    const alerts = settings.section('communication');
    await expect(alerts.getByTestId('effective-mention')).toContainText(
      'Required by Harbor Dental (desktop)',
    );
    await expect(
      settings.section('appointments').getByTestId('effective-appointmentReminder1Minute'),
    ).toContainText('Off by Harbor Dental');
    // Jordan's own threshold is 50; the business's 70 for Jordan is what applies.
    await expect(settings.section('leads').getByTestId('lead-threshold-effective')).toHaveText(
      'Your threshold 50 — Harbor Dental uses 70 for you',
    );
    // "Why?" opens the diagnosis of that type.
    await alerts.getByTestId('why-mention').click();
    await expect(settings.current()).toHaveAttribute('data-page', 'activity');
    await expect(settings.activity.root.getByTestId('diagnose-result')).toContainText('Mentions');
    await expect(settings.activity.root.getByTestId('diagnose-result')).toContainText(
      'Your business requires mentions by desktop',
    );
  });

  test('an agent is not shown usage or lead switches, and is told what would add them', async ({
    settings,
  }) => {
    await expect(settings.section('usage').getByTestId('alert-usage75')).toHaveCount(0);
    await expect(settings.section('usage').getByTestId('hidden-usage')).toContainText(
      'recipients list',
    );
    await expect(settings.section('leads').getByTestId('alert-leadNew')).toHaveCount(0);
    await expect(settings.section('leads').getByTestId('lead-threshold')).toHaveCount(0);
  });

  test('the unread count is right at open; one item marked read', async ({
    settings,
    service,
    companion,
  }) => {
    const jordanId = service.userIdOf('jordan');
    const events = [
      service.inject(jordanId, {
        kind: 'text',
        lineId: 'line-jordan',
        from: '+14155552631',
        contactName: 'Ann Lee',
        body: 'first',
      })[0],
      service.inject(jordanId, {
        kind: 'text',
        lineId: 'line-jordan',
        from: '+14155552632',
        contactName: 'Ben Ortiz',
        body: 'second',
      })[0],
    ];
    await waitForValue(companion.unread, (count) => count === 2);
    // A fresh window: the count comes with the session, before any new alert.
    await settings.open('#/notifications');
    const notifications = settings.notifications;
    await expect(notifications.unreadCount).toHaveText('2 unread');
    await expect(settings.link('notifications')).toContainText('2');
    await expect(notifications.rows()).toHaveCount(2);
    await expect(
      notifications.row(events[0]?.id ?? '').getByTestId('notification-time'),
    ).toHaveAttribute('title', /\d/);
    await notifications.markRead(events[0]?.id ?? '');
    await expect(notifications.unreadCount).toHaveText('1 unread');
    await waitForValue(companion.unread, (count) => count === 1);
    // The item links to its Activity row.
    await notifications
      .row(events[1]?.id ?? '')
      .getByRole('link', { name: /Why and where it went/ })
      .click();
    await expect(settings.current()).toHaveAttribute('data-page', 'activity');
    await expect(settings.activity.row(events[1]?.id ?? '')).toBeFocused();
  });

  test('every page opens by URL and by keyboard, the current page marked', async ({ settings }) => {
    await settings.open('#/lines');
    await expect(settings.current()).toHaveAttribute('data-page', 'lines');
    await expect(settings.link('lines')).toHaveAttribute('aria-current', 'page');
    await expect(settings.page).toHaveTitle(/^Lines/);
    // An admin page's URL is not an agent's: it lands on Alerts.
    await settings.open('#/team');
    await expect(settings.current()).toHaveAttribute('data-page', 'alerts');
    expect(await settings.pageIds()).toEqual([
      'alerts',
      'channels',
      'lines',
      'schedule',
      'activity',
      'notifications',
    ]);

    // Keyboard only: Tab to the menu, arrows along it, Enter opens.
    await settings.link('alerts').focus();
    await settings.page.keyboard.press('ArrowDown');
    await expect(settings.link('channels')).toBeFocused();
    await settings.page.keyboard.press('End');
    await expect(settings.link('notifications')).toBeFocused();
    await settings.page.keyboard.press('ArrowUp');
    await settings.page.keyboard.press('Enter');
    await expect(settings.current()).toHaveAttribute('data-page', 'activity');
    await expect(settings.link('activity')).toHaveAttribute('aria-current', 'page');
    await expect(settings.page.locator('#activity-heading')).toBeFocused();
    // The side menu stays in view when the page scrolls.
    await settings.page.mouse.wheel(0, 2000);
    await expect(settings.nav.locator('ul')).toBeInViewport();
  });
});
