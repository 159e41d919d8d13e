import { join } from 'node:path';
import type { UserPreferences } from '../../common';
import { createCompanion } from '../../main/core/companion';
import { createSystemClock } from '../../main/core/ports';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { waitForValue } from '../../test/support/wait-for';
import { bridgePage } from './bridge';
import { expect, test, type ServiceHandle } from './fixtures';
import { SettingsWindow } from './models/settings-window';
import { TeamPage } from './models/team-page';
import { createPopupSink } from './popup-sink';

/** A member's line mutes, set from elsewhere (their phone): as the service stores them. */
async function setSupportMute(service: ServiceHandle, user: 'jordan' | 'taylor', muted: boolean) {
  const current = (await service.get(user, '/api/preferences')) as {
    version: number;
    preferences: UserPreferences;
  };
  const lines = muted ? [{ lineId: 'line-support', until: null }] : [];
  await service.put(
    user,
    '/api/preferences',
    { preferences: { ...current.preferences, mutes: { ...current.preferences.mutes, lines } } },
    current.version,
  );
}

test.describe('the team view (admin Alex)', () => {
  test.use({ user: 'alex' });

  test('shows a coverage warning for the Support Line that goes away when a member un-mutes', async ({
    settings,
    service,
  }, testInfo) => {
    await settings.goto('team');
    const team = new TeamPage(settings.page);
    await expect(team.updated).toHaveText(/^Updated \d+ s ago$/);
    await expect(team.warning('line:line-support')).toHaveCount(0);
    await setSupportMute(service, 'jordan', true);
    await setSupportMute(service, 'taylor', true);
    // Polling: the page asks again every 10 s and says how old its answer is.
    await expect(team.warning('line:line-support')).toContainText(
      'Nobody would get a desktop alert for a call to Support Line (ring group Support) right now',
      { timeout: 15_000 },
    );
    await expect(team.cell('user-taylor', 'callRingGroup')).toContainText(
      'no desktop: Calls on Support Line are muted',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await settings.page.emulateMedia({ colorScheme: scheme });
      await team.root.screenshot({
        path: join(testInfo.project.outputDir, 'pages', `team-${scheme}.png`),
      });
    }
    await setSupportMute(service, 'taylor', false);
    await expect(team.warning('line:line-support')).toHaveCount(0, { timeout: 15_000 });
    await expect(team.cell('user-taylor', 'callRingGroup')).toHaveText(/^desktop, in-app/);
  });

  test('changes a member’s channel; the member’s window says who changed it', async ({
    settings,
    service,
    context,
    dataDir,
  }) => {
    // Jordan's own companion and window, beside Alex's.
    const logger = createRecordingLogger();
    const jordanCore = createCompanion({
      dataDir: join(dataDir, 'jordan'),
      serviceUrl: service.url,
      token: service.tokenOf('jordan'),
      notifier: createPopupSink(null),
      clock: createSystemClock(),
      logger,
      coalesceWindowMilliseconds: 50,
    });
    await jordanCore.start();
    await waitForValue(jordanCore.connection, (state) => state.status === 'connected');
    const jordanPage = await context.newPage();
    const bridge = await bridgePage(jordanPage, jordanCore, logger);
    try {
      const jordanWindow = new SettingsWindow(jordanPage);
      await jordanWindow.open();

      await settings.goto('team');
      const team = new TeamPage(settings.page);
      await expect(team.cell('user-jordan', 'textPersonal')).toHaveText(/^desktop, in-app/);
      const editor = await team.editMember('Jordan Park');
      await editor
        .getByLabel("Texts to a member's personal line by desktop for Jordan Park")
        .uncheck();
      await expect(team.cell('user-jordan', 'textPersonal')).toHaveText(
        /^in-app.*\(no desktop: Jordan has turned off desktop for texts to their personal line\)$/,
      );
      await expect(team.table.locator('tr[data-member="user-jordan"] th .hint')).toContainText(
        'Changed by Alex Morgan at',
      );

      await expect(jordanPage.getByTestId('admin-change')).toContainText(
        /Changed by Alex Morgan at \d{1,2}:\d{2}.*texts to your personal line by desktop/,
      );
    } finally {
      bridge.dispose();
      await jordanCore.stop();
    }
  });
});

test.describe('business defaults by category and recipients (admin Alex)', () => {
  test.use({ user: 'alex' });

  test('the grouped grid offers only email for account reports; billing warnings are read-only for a non-billing admin', async ({
    settings,
    service,
  }, testInfo) => {
    await settings.goto('business-defaults');
    const grid = settings.section('businessDefaults');
    const account = grid.locator('table[data-category="account"]');
    await expect(account.locator('thead th')).toHaveText([
      'Alert type',
      'On',
      'email for every Account reports alert',
    ]);
    await expect(grid.getByLabel('Daily activity reports by desktop')).toHaveCount(0);
    await expect(grid.getByLabel('Billing warnings by desktop')).toHaveCount(0);
    await expect(grid.locator('tr[data-type="callPersonal"] th[scope="row"]')).toHaveText(
      "Calls to a member's personal line",
    );
    const billing = grid.locator('tr[data-type="billingWarning"]');
    await expect(billing).toContainText('Set by the billing admin (Sam Rivera); read-only for you');
    await expect(billing.getByLabel('Billing warnings by email')).toBeDisabled();

    // A column toggle: email off for every Account report, on the service.
    await account.getByLabel('email for every Account reports alert').uncheck();
    await expect
      .poll(async () => {
        const { defaults } = (await service.get('alex', '/api/business-defaults')) as {
          defaults: { alerts: Record<string, { channels: { email: boolean } }> };
        };
        return [
          defaults.alerts['reportDailyActivity']?.channels.email,
          defaults.alerts['billingWarning']?.channels.email,
        ];
      })
      .toEqual([false, true]);
    for (const scheme of ['light', 'dark'] as const) {
      await settings.page.emulateMedia({ colorScheme: scheme });
      await grid.screenshot({
        path: join(testInfo.project.outputDir, 'pages', `business-defaults-${scheme}.png`),
      });
    }
  });

  test('adds several recipients at once and sets channels and threshold per row', async ({
    settings,
    service,
  }, testInfo) => {
    await settings.goto('recipients');
    const recipients = settings.section('recipients');
    const candidates = recipients.getByTestId('recipient-candidates');
    await candidates.getByLabel('Jordan Park').check();
    await candidates.getByLabel('Taylor Reed').check();
    await recipients.getByRole('button', { name: 'Add 2 members' }).click();
    await expect(recipients.locator('tr[data-recipient]')).toHaveCount(3);
    await recipients.getByLabel('Taylor Reed by SMS').check();
    await recipients.getByLabel("Jordan Park's lead threshold").fill('70');
    await expect
      .poll(async () => {
        const { defaults } = (await service.get('alex', '/api/business-defaults')) as {
          defaults: {
            recipients: Array<{
              userId: string;
              leadScoreThreshold: number;
              channels: { text: boolean };
            }>;
          };
        };
        return defaults.recipients.map((recipient) => [
          recipient.userId,
          recipient.leadScoreThreshold,
          recipient.channels.text,
        ]);
      })
      .toEqual([
        ['user-sam', 50, false],
        ['user-jordan', 70, false],
        ['user-taylor', 50, true],
      ]);
    for (const scheme of ['light', 'dark'] as const) {
      await settings.page.emulateMedia({ colorScheme: scheme });
      await recipients.screenshot({
        path: join(testInfo.project.outputDir, 'pages', `recipients-${scheme}.png`),
      });
    }
  });
});
