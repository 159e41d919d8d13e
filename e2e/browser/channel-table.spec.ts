import type { BusinessDefaults, UserPreferences } from '../../common';
import { expect, test } from './fixtures';

/** The channels of each alert type: locks with their reason, per-type edits, the business's caps. */
test.describe('channel table: the owner', () => {
  test.use({ user: 'sam' });

  test('a mandatory channel shows locked, with the reason, wherever it shows; an admin requires one more', async ({
    settings,
    service,
  }) => {
    const channels = settings.channels;
    await settings.goto('channels');
    // Harbor Dental requires payment failures and usage at 100 % by email (the demo seed).
    await expect(channels.cell('paymentFailed', 'email')).toBeChecked();
    await expect(channels.cell('paymentFailed', 'email')).toBeDisabled();
    // (SMS is not in Sam's recipient entry: the note says that too.)
    await expect(channels.note('paymentFailed')).toContainText(
      'Your business requires payment failures by email',
    );
    const describedBy = await channels
      .cell('paymentFailed', 'email')
      .getAttribute('aria-describedby');
    expect(describedBy).toBe('channel-note-paymentFailed');
    // The email master switch says what it cannot turn off.
    await expect(channels.root).toContainText(
      'Stays on where required: Your business requires usage at 100% by email; Your business requires payment failures by email.',
    );
    // The other channels of that row are Sam's to choose.
    await expect(channels.cell('paymentFailed', 'desktop')).toBeEnabled();
    // Diagnose names the lock too.
    const diagnosis = await settings.activity.diagnose('Payment failures');
    await expect(diagnosis).toContainText(
      'Your business requires payment failures by email: email comes whatever your own switches say',
    );

    // Sam requires mentions by in-app for everyone; his own mentions cell locks at once.
    await settings.goto('business-defaults');
    await settings.businessDefaults.required('mention', 'inApp').check();
    await expect
      .poll(async () => {
        const { defaults } = (await service.get('sam', '/api/business-defaults')) as {
          defaults: BusinessDefaults;
        };
        return defaults.alerts.mention.mandatory.inApp;
      })
      .toBe(true);
    await settings.goto('channels');
    await expect(channels.cell('mention', 'inApp')).toBeDisabled();
    await expect(channels.note('mention')).toContainText(
      'Your business requires mentions by in-app',
    );
    await settings.expectSynced();
  });
});

test.describe('channel table: an agent', () => {
  test.use({ user: 'jordan' });

  test('a per-type change syncs to the service', async ({ settings, service }) => {
    const channels = settings.channels;
    await settings.goto('channels');
    // The defaults: texts by desktop and in-app; voicemails to the personal line also by email.
    await expect(channels.cell('textPersonal', 'email')).not.toBeChecked();
    await expect(channels.cell('voicemailPersonal', 'email')).toBeChecked();
    await channels.setCell('voicemailPersonal', 'email', false);
    await channels.setCell('textPersonal', 'text', true);
    const onService = async () => {
      const { preferences } = (await service.get('jordan', '/api/preferences')) as {
        preferences: UserPreferences;
      };
      return [
        preferences.alertChannels.voicemailPersonal.email,
        preferences.alertChannels.textPersonal.text,
      ];
    };
    await expect.poll(onService).toEqual([false, true]);
    await settings.expectSynced();
    const diagnosis = await settings.activity.diagnose('Voicemails on your personal line');
    await expect(diagnosis).toContainText(
      'You have turned off email for voicemails on your personal line',
    );
  });

  test('the agent sees what the business capped, and why, as soon as it changes', async ({
    settings,
    service,
  }) => {
    const channels = settings.channels;
    await settings.goto('channels');
    // Lead alerts are for the recipients list, which Jordan is not on.
    await expect(channels.cell('leadNew', 'email')).toBeDisabled();
    await expect(channels.note('leadNew')).toHaveText(
      "You are not on your business's recipients list for new leads",
    );
    await expect(channels.cell('mention', 'text')).toBeEnabled();

    // An admin, elsewhere, turns SMS off for mentions.
    const current = (await service.get('alex', '/api/business-defaults')) as {
      version: number;
      defaults: BusinessDefaults;
    };
    current.defaults.alerts.mention.channels.text = false;
    await service.put(
      'alex',
      '/api/business-defaults',
      { defaults: current.defaults },
      current.version,
    );

    await expect(channels.cell('mention', 'text')).toBeDisabled();
    await expect(channels.cell('mention', 'text')).not.toBeChecked();
    await expect(channels.note('mention')).toHaveText(
      'Your business has turned off SMS alerts for mentions',
    );
    // The cell says "off" where a sighted person looks.
    await expect(channels.table.locator('tr[data-alert-type="mention"]')).toContainText('off');
  });
});
