import { expect, test } from './fixtures';

test.describe('offline', () => {
  test.use({ user: 'jordan' });

  test('a change made offline shows "1 edit waiting", then syncs when the service is back on the same database', async ({
    settings,
    service,
  }) => {
    await settings.expectSynced();
    await service.stop();
    await expect(settings.connectionStatus).not.toHaveText('Connected');

    await settings.section('communication').getByTestId('fisher-mode').check();
    await expect(settings.syncStatus).toHaveText(/\b1 edit waiting\b/);

    await service.start();
    await settings.expectSynced();
    await expect(settings.connectionStatus).toHaveText('Connected');
    await expect
      .poll(
        async () =>
          (
            (await service.get('jordan', '/api/preferences')) as {
              preferences: { fisherMode: boolean };
            }
          ).preferences.fisherMode,
      )
      .toBe(true);
  });
});
