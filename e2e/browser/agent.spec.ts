import { dunstHistory } from './popup-sink';
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
    await expect(lines.muteStatus('line-support')).toHaveText(/^Muted until \d\d:\d\d$/);

    const [muted] = service.inject(jordanId, {
      kind: 'text',
      lineId: 'line-support',
      from: '+14155552631',
      contactName: 'Ann Lee',
      body: 'first text while the line is muted',
    });
    if (!muted) throw new Error('The service emitted no event');
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
    await expect(settings.activity.row(unmuted.id)).toContainText('Sent by desktop');
    // The muted text never reached the notifier: every pop-up so far is about the second one.
    expect(
      popups.shown.filter((content) =>
        `${content.title} ${content.body}`.includes('first text while'),
      ),
    ).toEqual([]);

    const history = dunstHistory();
    testInfo.annotations.push({ type: 'pop-ups', description: popups.where });
    if (history !== null) {
      await expect
        .poll(() =>
          (dunstHistory() ?? []).some((entry) => entry.includes('second text after unmuting')),
        )
        .toBe(true);
    } else {
      expect(popup.itemId).toBeTruthy();
    }
  });

  test('"Why am I not getting …?" lists the reasons for a muted line', async ({ settings }) => {
    await settings.lines.mute('Support Line', 'Until I unmute it');
    const result = await settings.activity.diagnose('Texts to your ring groups');
    await expect(result).toContainText('Texts on Support Line are muted until you unmute');
    await expect(result).toContainText('You have turned off SMS notifications');
  });
});
