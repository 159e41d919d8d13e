import { describe, expect, it } from 'vitest';
import { capabilitiesOf, closeReasonOf, notifyArguments, versionNumbers } from './freedesktop';

const dunst = ['actions', 'body', 'body-hyperlinks', 'icon-static', 'x-dunst-stack-tag'];

describe('the freedesktop notifications interface, as the D-Bus adapter speaks it', () => {
  it('puts the default action first, then at most three buttons, only where the daemon takes actions', () => {
    const content = {
      itemId: 'call-1',
      title: 'Incoming call',
      body: 'Ann Lee',
      actions: [
        { id: 'default', label: 'not a button' },
        { id: 'mute-line-1h', label: 'Mute this line for 1 hour' },
        { id: 'b', label: 'B' },
        { id: 'c', label: 'C' },
        { id: 'd', label: 'D' },
      ],
    };
    const withActions = notifyArguments(content, {
      appName: 'Ringside',
      replacesId: 0,
      facts: { capabilities: dunst },
      desktopEntry: null,
    });
    expect(withActions.arguments[5]).toEqual([
      'default',
      'Open',
      'mute-line-1h',
      'Mute this line for 1 hour',
      'b',
      'B',
      'c',
      'C',
    ]);
    expect(withActions.actionIds).toEqual(['mute-line-1h', 'b', 'c']);
    const without = notifyArguments(content, {
      appName: 'Ringside',
      replacesId: 0,
      facts: { capabilities: ['body'] },
      desktopEntry: null,
    });
    expect(without.arguments[5]).toEqual([]);
    expect(without.actionIds).toEqual([]);
  });

  it('maps urgency, category, desktop entry, expiry and replaces_id to Notify', () => {
    const { arguments: body } = notifyArguments(
      {
        itemId: 'x',
        title: '',
        body: 'b',
        urgency: 'critical',
        category: 'call.incoming',
        expiry: 'never',
      },
      { appName: 'Ringside', replacesId: 7, facts: { capabilities: [] }, desktopEntry: 'ringside' },
    );
    const [appName, replacesId, icon, summary, , , hints, expire] = body;
    expect([appName, replacesId, icon, summary, expire]).toEqual([
      'Ringside',
      7,
      '',
      'Ringside',
      0,
    ]);
    expect(hints['urgency']).toMatchObject({ signature: 'y', value: 2 });
    expect(hints['category']).toMatchObject({ signature: 's', value: 'call.incoming' });
    expect(hints['desktop-entry']).toMatchObject({ signature: 's', value: 'ringside' });
    const plain = notifyArguments(
      { itemId: 'x', title: 'T', body: 'b', expiry: 4_500 },
      { appName: 'Ringside', replacesId: 0, facts: { capabilities: [] }, desktopEntry: null },
    ).arguments;
    expect(plain[6]['urgency']).toMatchObject({ value: 1 });
    expect(plain[6]['category']).toBeUndefined();
    expect(plain[7]).toBe(4_500);
    expect(
      notifyArguments(
        { itemId: 'x', title: 'T', body: 'b' },
        { appName: 'R', replacesId: 0, facts: { capabilities: [] }, desktopEntry: null },
      ).arguments[7],
    ).toBe(-1);
  });

  it('sanitises the text, and escapes the body only for a daemon that reads markup', () => {
    const content = { itemId: 'x', title: 'Hi\u202E there', body: 'A & B <i>c</i>\u0007' };
    const markup = notifyArguments(content, {
      appName: 'R',
      replacesId: 0,
      facts: { capabilities: ['body', 'body-markup'] },
      desktopEntry: null,
    }).arguments;
    expect(markup[3]).toBe('Hi there');
    expect(markup[4]).toBe('A &amp; B &lt;i&gt;c&lt;/i&gt;');
    const plain = notifyArguments(content, {
      appName: 'R',
      replacesId: 0,
      facts: { capabilities: ['body'] },
      desktopEntry: null,
    }).arguments;
    expect(plain[4]).toBe('A & B <i>c</i>');
  });

  it('reads capabilities, close reasons and versions', () => {
    expect(capabilitiesOf(dunst)).toMatchObject({ actions: true, click: true, persistence: false });
    expect(capabilitiesOf(['body', 'persistence'])).toMatchObject({
      actions: false,
      click: false,
      persistence: true,
      close: true,
      replace: 'inPlace',
    });
    expect([1, 2, 3, 4, 9].map(closeReasonOf)).toEqual([
      'expired',
      'dismissed',
      'closedByApp',
      'unknown',
      'unknown',
    ]);
    expect(versionNumbers('1.9.0 (2022-06-27)')).toEqual([1, 9, 0]);
    expect(versionNumbers('46')).toEqual([46, 0, 0]);
    expect(versionNumbers('')).toEqual([0, 0, 0]);
  });
});
