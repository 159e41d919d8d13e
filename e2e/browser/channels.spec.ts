import { expect, test } from './fixtures';

/** Text messages: the custom number, the backup phone, and test notifications through the service. */
test.describe('channels', () => {
  test.use({ user: 'jordan' });

  test('text off disables the custom number and the test text, saying why, and leaves the SMS cells editable; cleared, texts go to the backup phone', async ({
    settings,
    service,
  }) => {
    const channels = settings.channels;
    await settings.goto('channels');
    const jordanId = service.userIdOf('jordan');
    const preferencesOnService = async () =>
      (
        (await service.get('jordan', '/api/preferences')) as {
          preferences: {
            channels: {
              text: { enabled: boolean; useCustomNumber: boolean; customNumber: string | null };
            };
          };
        }
      ).preferences.channels.text;
    const textsInOutbox = async () =>
      (await service.outbox(jordanId)).filter((entry) => entry.channel === 'text');

    await channels.setChannel('text', true);
    // A premium-rate number is refused as it is typed, with the reason under the field.
    await channels.customNumber.fill('1-900-555-0123');
    await expect(channels.root).toContainText(
      'This is a premium-rate number: it cannot receive texts',
    );
    // Typed the way it is dialled in a US business: stored as E.164, shown the national way.
    await channels.setCustomNumber('(415) 555-2698');
    await expect(channels.customNumber).toHaveValue('(415) 555-2698');
    await expect(channels.textDestination).toHaveText('Texts go to (415) 555-2698.');
    await expect
      .poll(preferencesOnService)
      .toEqual({ enabled: true, useCustomNumber: true, customNumber: '+14155552698' });

    await channels.setChannel('text', false);
    await expect(channels.customNumber).toBeDisabled();
    await expect(channels.useCustomNumber).toBeDisabled();
    await expect.poll(async () => (await preferencesOnService()).enabled).toBe(false);
    // Nothing to test while texts are off: the button says why instead of a "Not sent".
    await expect(channels.testButton('text')).toBeDisabled();
    await expect(channels.testButton('text')).toHaveAccessibleDescription(
      /^SMS notifications are off: turn them on above to send a test/,
    );
    // The per-type SMS cells stay Jordan's to prepare, each saying nothing goes by SMS yet.
    await expect(channels.cell('voicemailPersonal', 'text')).toBeEnabled();
    await expect(channels.cell('voicemailPersonal', 'text')).toHaveAccessibleDescription(
      /SMS notifications are off above: what you choose here applies when you turn them back on/,
    );
    expect(await textsInOutbox()).toEqual([]);

    await channels.setChannel('text', true);
    await expect(channels.customNumber).toBeEnabled();
    await expect(channels.cell('voicemailPersonal', 'text')).not.toHaveAccessibleDescription(
      /off above/,
    );
    await channels.clearCustomNumber();
    await expect(channels.textDestination).toHaveText(
      'Texts go to your backup phone, (415) 555-2603.',
    );
    await expect.poll(preferencesOnService).toMatchObject({ enabled: true, customNumber: null });
    expect(await channels.sendTest('text')).toBe('Recorded by the service: sent to (415) 555-2603');
    expect((await textsInOutbox()).map((entry) => entry.destination)).toEqual(['+14155552603']);
  });

  test('an email address is validated as it is typed, with the error tied to the field', async ({
    settings,
    service,
  }) => {
    await settings.goto('channels');
    const email = settings.section('channels').getByTestId('email-address');
    await email.fill('jordan@');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const errorText = await settings.page
      .locator(`[id="${describedBy.split(' ').at(-1)}"]`)
      .textContent();
    expect(errorText).toBe('Not a valid email address');
    await email.fill('jordan.alerts@example.com');
    await expect(email).not.toHaveAttribute('aria-invalid', 'true');
    await email.press('Enter');
    await expect
      .poll(
        async () =>
          (
            (await service.get('jordan', '/api/preferences')) as {
              preferences: { channels: { email: { address: string | null } } };
            }
          ).preferences.channels.email.address,
      )
      .toBe('jordan.alerts@example.com');
    expect(await settings.channels.sendTest('email')).toBe(
      'Recorded by the service: sent to jordan.alerts@example.com',
    );
  });
});

test.describe('test notifications and quiet hours', () => {
  test.use({ user: 'jordan' });

  test('a test desktop notification raises a pop-up and says so', async ({ settings, popups }) => {
    expect(await settings.channels.sendTest('desktop')).toBe('Pop-up raised on this computer');
    const popup = await popups.waitFor((content) => content.itemId.startsWith('local:test:'));
    expect(popup.title.length).toBeGreaterThan(0);
  });

  test('a quiet window that starts when it ends is refused next to the field and not saved', async ({
    settings,
    service,
  }) => {
    await settings.goto('schedule');
    const quietHours = settings.section('quietHours');
    const end = quietHours.getByLabel('End of quiet window 1 (Sunday)');
    await end.fill('20:00');
    await expect(quietHours).toContainText('A quiet window needs different start and end times');
    const describedBy = (await end.getAttribute('aria-describedby')) ?? '';
    await expect(settings.page.locator(`[id="${describedBy}"]`)).toHaveText(
      'A quiet window needs different start and end times',
    );
    await end.fill('06:30');
    await expect(quietHours).not.toContainText(
      'A quiet window needs different start and end times',
    );
    await expect
      .poll(async () => {
        const body = (await service.get('jordan', '/api/preferences')) as {
          preferences: { quietHours: { windows: Array<{ end: string }> } };
        };
        return body.preferences.quietHours.windows[0]?.end;
      })
      .toBe('06:30');
  });
});
