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

      const team = new TeamPage(settings.page);
      await expect(team.cell('user-jordan', 'textPersonal')).toHaveText(/^desktop, in-app/);
      const editor = await team.editMember('Jordan Park');
      await editor
        .getByLabel("Texts to a member's personal line by desktop for Jordan Park")
        .uncheck();
      await expect(team.cell('user-jordan', 'textPersonal')).toHaveText(
        /^in-app.*\(no desktop: You have turned off desktop for texts to your personal line\)$/,
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
