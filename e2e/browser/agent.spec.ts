import { desktopSession, dunstHistory } from '../../test/support/dunst';
import { expect, test } from './fixtures';

test.describe('agent flow', () => {
  test.use({ user: 'jordan' });

  test('a muted Support line raises no pop-up and says until when; after unmute the next text pops up', async ({
    settings,
    service,
    popups,
  }, testInfo) => {
    const jordanId = service.userIdOf('jordan');
    const lines = settings.lines;
    await lines.choose('line-support');
    await lines.mute('Support Line', 'For 1 hour');
    await expect(lines.muteStatus('line-support')).toHaveText(
      /^Muted until \d{1,2}:\d\d( [AP]M)?$/,
    );

    const [muted] = service.inject(jordanId, {
      kind: 'text',
      lineId: 'line-support',
      from: '+14155552631',
      contactName: 'Ann Lee',
      body: 'first text while the line is muted',
    });
    if (!muted) throw new Error('The service emitted no event');
    await settings.goto('activity');
    const mutedRow = settings.activity.row(muted.id);
    await expect(mutedRow).toBeVisible();
    await expect(mutedRow).toContainText(
      /Desktop: Texts on Support Line are muted until \d\d:\d\d/,
    );

    await lines.unmute('Support Line');
    await expect(lines.muteStatus('line-support')).toHaveText('Not muted');
    const [unmuted] = service.inject(jordanId, {
      kind: 'text',
      lineId: 'line-support',
      from: '+14155552632',
      contactName: 'Ben Ortiz',
      body: 'second text after unmuting',
    });
    if (!unmuted) throw new Error('The service emitted no event');
    const popup = await popups.waitFor((content) =>
      `${content.title} ${content.body}`.includes('second text after unmuting'),
    );
    await settings.goto('activity');
    const row = settings.activity.row(unmuted.id);
    await expect(row).toContainText('Sent by desktop');
    // Email and SMS as the service reported them: its reason (texts are not emailed by default).
    await expect(row.locator('[data-channel="email"]')).toContainText(
      'Email for texts to your ring groups is off — turn it on in Channels (not sent)',
    );
    await expect(row.locator('[data-channel="text"]')).toContainText(
      'SMS notifications are off — turn them on in Channels (not sent)',
    );
    // The muted text never reached the notifier: every pop-up so far is about the second one.
    expect(
      popups.shown.filter((content) =>
        `${content.title} ${content.body}`.includes('first text while'),
      ),
    ).toEqual([]);

    testInfo.annotations.push({ type: 'pop-ups', description: popups.where });
    if (desktopSession) {
      await expect
        .poll(async () =>
          (await dunstHistory()).some((entry) => entry.body.includes('second text after unmuting')),
        )
        .toBe(true);
    } else {
      expect(popup.itemId).toBeTruthy();
    }
  });

  test('"Why am I not getting …?" lists the reasons for a muted line', async ({ settings }) => {
    await settings.lines.mute('Support Line', 'Until I unmute');
    const result = await settings.activity.diagnose('Texts to your ring groups');
    await expect(result).toContainText('Texts on Support Line are muted until you unmute');
    await expect(result).toContainText('SMS notifications are off — turn them on in Channels');
  });
  test('clicking a pop-up opens the window on that event: its row is highlighted and focused', async ({
    settings,
    service,
    popups,
  }) => {
    const [event] = service.inject(service.userIdOf('jordan'), {
      kind: 'text',
      lineId: 'line-jordan',
      from: '+14155552631',
      contactName: 'Ann Lee',
      body: 'Can we move my cleaning to Friday?',
    });
    if (!event) throw new Error('The service emitted no event');
    const popup = await popups.waitFor((content) => content.body.includes('Friday'));
    expect(popup.itemId).toBe(event.id);
    await settings.page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();

    // The OS reports the click; the core asks the window (through the bridge's `navigate`
    // event) to open that item.
    popups.click(popup.itemId);
    const opened = settings.page.locator(`[data-event-id="${event.id}"]:focus`);
    await expect(opened).toHaveCount(1);
    await expect(opened).toHaveAttribute('aria-current', 'true');
    await expect(opened).toContainText('Friday');
    await expect(opened).toBeInViewport();
  });
  test('text from outside (a contact name, a message) is shown as text, never as markup', async ({
    settings,
    service,
  }) => {
    const [event] = service.inject(service.userIdOf('jordan'), {
      kind: 'text',
      lineId: 'line-jordan',
      from: '+14155552631',
      contactName: '<b>Ann</b>',
      body: 'see <img src=x onerror="document.title=1"> <a href="https://evil.example.com">here</a>',
    });
    if (!event) throw new Error('The service emitted no event');
    await settings.goto('activity');
    const row = settings.activity.row(event.id);
    await expect(row).toContainText('see');
    await expect(row.locator('img, a, b')).toHaveCount(0);
    expect(await settings.page.title()).not.toBe('1');
  });
});
