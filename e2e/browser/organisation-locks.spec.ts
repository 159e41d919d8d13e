import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, TestInfo } from '@playwright/test';
import { defaultRecipient, type BusinessDefaults, type UserPreferences } from '../../common';
import { weekdays } from '../../common/time-zone';
import { expect, test } from './fixtures';
import type { PageId, SettingsWindow } from './models/settings-window';

const locked = 'Locked by your organisation';
const seriousOrWorse = new Set(['serious', 'critical']);

/**
 * What an IT team pushes: no texts, quiet every evening 18:00–08:00 but for calls, leads ≥ 80,
 * and no do-not-disturb.
 */
const policy = {
  lockedSettings: {
    'channels.text.enabled': false,
    quietHours: {
      enabled: true,
      windows: weekdays.map((day) => ({ day, start: '18:00', end: '08:00' })),
      breakThrough: ['callPersonal', 'callRingGroup'],
    },
    leadScoreThreshold: 80,
    'mutes.doNotDisturb': { enabled: false, until: null },
  },
};

/** A control the organisation holds: disabled, and saying so where a screen reader reads it. */
async function expectLocked(control: Locator): Promise<void> {
  await expect(control).toBeDisabled();
  await expect(control).toHaveAccessibleDescription(new RegExp(locked));
}

/** The page's screenshot in `test-results/browser/pages/`, and axe: 0 serious or critical. */
async function screenshotAndAxe(
  settings: SettingsWindow,
  id: PageId,
  theme: 'light' | 'dark',
  testInfo: TestInfo,
): Promise<void> {
  await settings.page.emulateMedia({ colorScheme: theme });
  const path = join(testInfo.project.outputDir, 'pages', `organisation-locks-${id}-${theme}.png`);
  await settings.page.screenshot({ path, fullPage: true });
  await testInfo.attach(`organisation-locks-${id}-${theme}`, { path, contentType: 'image/png' });
  const results = await new AxeBuilder({ page: settings.page }).analyze();
  expect(
    results.violations
      .filter((violation) => seriousOrWorse.has(violation.impact ?? ''))
      .map((violation) => `${id} (${theme}): ${violation.id} ${violation.help}`),
  ).toEqual([]);
}

test.describe('settings the organisation locks (managed policy)', () => {
  test.use({ user: 'jordan', policy });

  test('each locked control is disabled at the policy’s value and says "Locked by your organisation"', async ({
    settings,
    service,
    companion,
  }, testInfo) => {
    // One axe run per page and theme over a 2-core machine takes a while.
    test.setTimeout(180_000);
    // Lead alerts go to the recipients list: an admin adds Jordan, so his threshold shows.
    const current = (await service.get('sam', '/api/business-defaults')) as {
      version: number;
      defaults: BusinessDefaults;
    };
    current.defaults.recipients.push(defaultRecipient(service.userIdOf('jordan')));
    await service.put(
      'sam',
      '/api/business-defaults',
      { defaults: current.defaults },
      current.version,
    );

    // The header: do-not-disturb off, and nothing to turn it on with.
    await expect(settings.header.doNotDisturbMenu).toHaveCount(0);
    await expect(settings.page.getByTestId('do-not-disturb-status')).toHaveText(
      'Do not disturb off',
    );
    await expect(settings.page.getByTestId('do-not-disturb-status')).toHaveAccessibleDescription(
      locked,
    );

    // Channels: the SMS master switch is off and locked; the others are Jordan's.
    await settings.goto('channels');
    const text = settings.channels.channelSwitch('text');
    await expectLocked(text);
    await expect(text).not.toBeChecked();
    await expect(settings.channels.channelSwitch('email')).toBeEnabled();
    await expect(settings.channels.channelSwitch('email')).not.toHaveAccessibleDescription(
      new RegExp(locked),
    );
    // No test SMS while SMS is locked off; a desktop sample still shows how a pop-up looks.
    await expectLocked(settings.channels.testButton('text'));
    await expect(settings.channels.testButton('desktop')).toBeEnabled();
    // The per-type SMS cells are the organisation's too (a type's email stays Jordan's).
    for (const type of ['mention', 'voicemailPersonal', 'textPersonal'] as const) {
      await expectLocked(settings.channels.cell(type, 'text'));
      await expect(settings.channels.cell(type, 'text')).not.toBeChecked();
    }
    await expect(settings.channels.cell('mention', 'email')).toBeEnabled();
    await expect(settings.channels.note('mention')).toContainText(locked);
    for (const theme of ['light', 'dark'] as const) {
      await screenshotAndAxe(settings, 'channels', theme, testInfo);
    }

    // Schedule: quiet hours on, every day 18:00–08:00, calls break through; nothing to edit.
    await settings.goto('schedule');
    const quiet = settings.section('quietHours');
    await expectLocked(quiet.getByTestId('quiet-enabled'));
    await expect(quiet.getByTestId('quiet-enabled')).toBeChecked();
    for (const [index, day] of weekdays.entries()) {
      const row = `quiet window ${index + 1}`;
      const dayName = `${day.slice(0, 1).toUpperCase()}${day.slice(1)}`;
      await expectLocked(quiet.getByLabel(`Day of ${row}`));
      await expect(quiet.getByLabel(`Day of ${row}`)).toHaveValue(day);
      await expectLocked(quiet.getByLabel(`Start of ${row} (${dayName})`));
      await expect(quiet.getByLabel(`Start of ${row} (${dayName})`)).toHaveValue('18:00');
      await expectLocked(quiet.getByLabel(`End of ${row} (${dayName})`));
      await expect(quiet.getByLabel(`End of ${row} (${dayName})`)).toHaveValue('08:00');
    }
    await expectLocked(quiet.getByRole('button', { name: 'Add a quiet window' }));
    const breakThrough = quiet.getByRole('group', { name: 'What breaks through quiet hours' });
    const calls = breakThrough.getByLabel('Calls to your personal line');
    await expectLocked(calls);
    await expect(calls).toBeChecked();
    const mentions = breakThrough.getByLabel('Mentions');
    await expectLocked(mentions);
    await expect(mentions).not.toBeChecked();
    // The time zone the windows are read in is not locked: it stays Jordan's.
    await expect(quiet.getByLabel('Time zone')).toBeEnabled();
    for (const theme of ['light', 'dark'] as const) {
      await screenshotAndAxe(settings, 'schedule', theme, testInfo);
    }

    // Alerts: the lead threshold slider at 80, disabled.
    await settings.goto('alerts');
    const threshold = settings.section('leads').getByTestId('lead-threshold');
    await expectLocked(threshold);
    await expect(threshold).toHaveValue('80');
    await expect(settings.section('leads').getByTestId('lead-threshold-value')).toHaveText('80');
    await expect(settings.section('communication').getByTestId('fisher-mode')).toBeEnabled();
    for (const theme of ['light', 'dark'] as const) {
      await screenshotAndAxe(settings, 'alerts', theme, testInfo);
    }

    // What the core uses is the policy's, whatever the stored document held before.
    const held = companion.preferences.get()?.preferences as UserPreferences;
    expect(held.channels.text.enabled).toBe(false);
    expect(held.quietHours.enabled).toBe(true);
    expect(held.leadScoreThreshold).toBe(80);
  });
});

test.describe('muted lines the organisation locks', () => {
  // The Support line muted until further notice, and the person may not unmute it.
  test.use({
    user: 'jordan',
    policy: { lockedSettings: { 'mutes.lines': [{ lineId: 'line-support', until: null }] } },
  });

  test('the header lists the muted line with its Unmute disabled, saying "Locked by your organisation"', async ({
    settings,
    companion,
  }, testInfo) => {
    await expect(settings.header.mutedLines).toContainText('1 line muted');
    await settings.header.mutedLines.locator('summary').click();
    const unmute = settings.header.mutedLines.getByRole('button', { name: 'Unmute Support Line' });
    await expectLocked(unmute);
    await expect(settings.header.mutedLines).toContainText('Support Line until further notice');
    const path = join(testInfo.project.outputDir, 'pages', 'organisation-locks-muted-lines.png');
    await settings.page.screenshot({ path });
    await testInfo.attach('organisation-locks-muted-lines', { path, contentType: 'image/png' });
    // What the core uses is the policy's mute.
    expect(companion.preferences.get()?.preferences.mutes.lines).toEqual([
      { lineId: 'line-support', until: null },
    ]);
  });
});
