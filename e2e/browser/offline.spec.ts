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

  test('back after a night offline: the header says "Catching up: … of …" while the backlog replays, then nothing', async ({
    settings,
    service,
  }) => {
    await settings.expectSynced();
    await service.stop();
    await expect(settings.connectionStatus).not.toHaveText('Connected');
    await service.start();
    // Stored before the companion can reconnect: the same process, and nothing awaits in
    // between, so the whole backlog is a replay.
    const jordanId = service.userIdOf('jordan');
    for (let index = 0; index < 4_000; index += 1) {
      service.inject(jordanId, {
        kind: 'text',
        lineId: 'line-support',
        from: `+1415555${String(1000 + (index % 9000)).padStart(4, '0')}`,
        contactName: null,
        body: `Missed overnight ${index}`,
      });
    }
    await expect(settings.header.catchUp).toHaveText(/^Catching up: [\d,]+ of [\d,]+$/);
    await expect(settings.header.catchUp).toBeHidden({ timeout: 60_000 });
    await expect(settings.connectionStatus).toHaveText('Connected');
  });
});
