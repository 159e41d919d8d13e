import { roleRefusals, type RendererApi } from '../../common';
import { expect, test } from './fixtures';

/** The owner (Sam, billing admin) sets business defaults and the recipients list. */
test.describe('manager flow (owner token)', () => {
  test.use({ user: 'sam' });

  test('business defaults and a recipient threshold of 60: only the lead scored 60 reaches the recipient', async ({
    settings,
    service,
  }) => {
    const defaults = settings.businessDefaults;
    await defaults.setEmail('alerts@harbor.example.com');
    await defaults.setPhone('(415) 555-2699');
    // The number is validated as typed (the national way, in a US business), stored as E.164
    // and shown the national way.
    await expect(defaults.phone).toHaveValue('(415) 555-2699');
    await defaults.alertType('appointmentReminder1Minute').uncheck();
    await defaults.allowed('text').uncheck();

    const businessOnService = async () =>
      (
        (await service.get('sam', '/api/business-defaults')) as {
          defaults: Record<string, unknown>;
        }
      ).defaults as {
        notificationEmail: string | null;
        notificationPhone: string | null;
        allowedChannels: { text: boolean };
        alerts: { appointmentReminder1Minute: { enabled: boolean } };
        recipients: Array<{ userId: string; leadScoreThreshold: number }>;
      };
    await expect
      .poll(async () => {
        const business = await businessOnService();
        return [
          business.notificationEmail,
          business.notificationPhone,
          business.allowedChannels.text,
          business.alerts.appointmentReminder1Minute.enabled,
        ];
      })
      .toEqual(['alerts@harbor.example.com', '+14155552699', false, false]);

    // Sam's own switch for the type the business turned off is shown disabled, with the reason.
    await settings.goto('alerts');
    const ownSwitch = settings
      .section('appointments')
      .getByTestId('alert-appointmentReminder1Minute');
    await expect(ownSwitch).toBeDisabled();
    await expect(settings.section('appointments')).toContainText(
      'Your business has turned off appointment reminders 1 minute before',
    );
    await settings.goto('channels');
    await expect(settings.channels.channelSwitch('text')).toBeDisabled();
    await expect(settings.section('channels')).toContainText(
      'Your business does not allow SMS notifications',
    );

    const jordanId = service.userIdOf('jordan');
    await settings.recipients.add('Jordan Park');
    // The recipient's SMS box is disabled with the reason, since the business no longer allows it.
    const recipientText = settings.recipients.row(jordanId).getByLabel('SMS');
    await expect(recipientText).toBeDisabled();
    await expect(recipientText).toHaveAccessibleDescription(
      'SMS: the business does not allow this channel (see Business defaults)',
    );
    await settings.recipients.setThreshold(jordanId, 60);
    await expect
      .poll(
        async () =>
          (await businessOnService()).recipients.find((entry) => entry.userId === jordanId)
            ?.leadScoreThreshold,
      )
      .toBe(60);
    await settings.expectSynced();

    const [below] = service.inject(jordanId, {
      kind: 'lead',
      leadId: 'lead-59',
      name: 'Dev Patel',
      score: 59,
      change: 'new',
    });
    const [at] = service.inject(jordanId, {
      kind: 'lead',
      leadId: 'lead-60',
      name: 'Carla Diaz',
      score: 60,
      change: 'new',
    });
    await expect
      .poll(async () => (await service.outbox(jordanId)).some((entry) => entry.eventId === at?.id))
      .toBe(true);
    const outbox = await service.outbox(jordanId);
    expect(outbox.filter((entry) => entry.eventId === below?.id)).toEqual([]);
    expect(
      outbox.filter((entry) => entry.eventId === at?.id).map((entry) => entry.channel),
    ).toEqual(['email']);
  });

  test('an invalid business phone shows its error next to the field and is not sent', async ({
    settings,
    service,
  }) => {
    const defaults = settings.businessDefaults;
    await defaults.show();
    await defaults.phone.fill('555 0100');
    const errorId = await defaults.phone.getAttribute('aria-describedby');
    expect(errorId).toBeTruthy();
    await expect(defaults.phone).toHaveAttribute('aria-invalid', 'true');
    await expect(settings.page.locator(`[id="${errorId?.split(' ').at(-1)}"]`)).toHaveText(
      'Not a valid United States phone number; for another country, start with + and its code',
    );
    await defaults.phone.press('Tab');
    const business = (await service.get('sam', '/api/business-defaults')) as {
      defaults: { notificationPhone: string | null };
    };
    expect(business.defaults.notificationPhone).toBe('+14155552600');
  });
});

test.describe('a plain agent', () => {
  test.use({ user: 'jordan' });

  test('sees no account-level or admin section, and a forged change through the bridge is refused', async ({
    settings,
  }) => {
    const pages = await settings.pageIds();
    expect(pages).not.toContain('team');
    expect(pages).not.toContain('business-defaults');
    expect(pages).not.toContain('recipients');
    await expect(settings.section('account')).toHaveCount(0);
    await expect(settings.nav).not.toContainText('Business defaults');

    const forged = await settings.page.evaluate(async () => {
      const api = (globalThis as unknown as { api: RendererApi }).api;
      const current = await api.getPreferences();
      if (!current.ok) return { current, update: null, defaults: null };
      const preferences = structuredClone(current.value.preferences);
      preferences.accountAlerts.reportDailyActivity = true;
      const update = await api.updatePreferences({ preferences });
      const defaults = structuredClone(current.value.business);
      defaults.recipients = [];
      const business = await api.updateBusinessDefaults({ defaults });
      return { current, update, defaults: business };
    });
    expect(forged.update).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: roleRefusals.accountAlertsNeedAdmin },
    });
    expect(forged.defaults).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: roleRefusals.businessDefaultsNeedAdmin },
    });

    // Arguments that break the contract are refused by the bridge's schema, with the field named.
    const invalid = await settings.page.evaluate(async () => {
      const api = (globalThis as unknown as { api: RendererApi }).api;
      return api.muteLine({ lineId: '../etc', duration: 'forever' } as never);
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalidArguments' } });
    expect(JSON.stringify(invalid)).toContain('duration');
  });
});
