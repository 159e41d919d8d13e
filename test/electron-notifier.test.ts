import { beforeEach, describe, expect, it } from 'vitest';
import type { PopupActionEvent, PopupClosedEvent, PopupResult } from '../main/core/ports';
import { ElectronNotifier } from '../main/electron/notifier';
import { createShellNotifier } from '../main/electron/shell-notifier';
import { Notification, resetFakeElectron } from './fakes/electron';
import { ManualClock } from './support/manual-clock';
import { createRecordingLogger } from './support/recording-logger';

/**
 * The shell's adapter over Electron's `Notification`, through the shared fake (no Electron
 * binary runs here): what it asks Electron for, and how Electron's events come back as the
 * port's. What a real macOS or Windows does with these options is for a machine with Electron.
 */

beforeEach(() => resetFakeElectron());

function notifierOn(platform: NodeJS.Platform) {
  const clock = new ManualClock(0);
  const notifier = new ElectronNotifier({
    Notification,
    clock,
    platform,
    showTimeoutMilliseconds: 1000,
  });
  const clicks: string[] = [];
  const actions: PopupActionEvent[] = [];
  const closes: PopupClosedEvent[] = [];
  notifier.onClick((itemId) => clicks.push(itemId));
  notifier.onAction((event) => actions.push(event));
  notifier.onClosed((event) => closes.push(event));
  return { clock, notifier, clicks, actions, closes };
}

function handleOf(result: PopupResult) {
  if (!result.shown) throw new Error(`not shown: ${result.reason}`);
  return result.handle;
}

const ringing = {
  itemId: 'call-1',
  title: "Incoming call on Jordan's line",
  body: 'Ann Lee · +1 415 555 2671',
  urgency: 'critical' as const,
  category: 'call.incoming' as const,
  expiry: 'never' as const,
  actions: [{ id: 'mute-line-1h', label: 'Mute this line for 1 hour' }],
};

describe('ElectronNotifier', () => {
  it('reports unsupported systems, failures, and a missing show event as shown', async () => {
    const { clock, notifier } = notifierOn('win32');
    expect(await notifier.probe()).toEqual({ available: true });
    expect(notifier.availability.get()).toEqual({ available: true });
    Notification.supported = false;
    expect(await notifier.probe()).toMatchObject({ available: false });
    expect(notifier.availability.get()).toMatchObject({ available: false });

    const failing = notifier.show({ itemId: 'a', title: 'T', body: 'B' });
    Notification.instances[0]?.emit('failed', {}, 'toast refused');
    expect(await failing).toEqual({
      shown: false,
      reason: 'The system refused the pop-up: toast refused',
    });

    const silent = new ElectronNotifier({
      Notification: class extends Notification {
        override show(): void {
          this.shown = true; // a daemon that never reports `show`
        }
      },
      clock,
      platform: 'linux',
      showTimeoutMilliseconds: 1000,
    });
    const pending = silent.show({ itemId: 'b', title: 'T', body: 'B' });
    clock.advance(1000);
    expect(await pending).toMatchObject({ shown: true });
  });

  it('asks Electron for critical urgency, no timeout and the buttons on Windows', async () => {
    const { notifier } = notifierOn('win32');
    expect(notifier.capabilities.get()).toMatchObject({
      actions: true,
      close: true,
      replace: 'closeAndShow',
      stayUntilClosed: true,
    });
    const handle = handleOf(await notifier.show(ringing));
    expect(Notification.instances[0]?.options).toEqual({
      id: handle.id,
      title: ringing.title,
      body: ringing.body,
      silent: false,
      urgency: 'critical',
      timeoutType: 'never',
      actions: [{ type: 'button', text: 'Mute this line for 1 hour' }],
    });
  });

  it('leaves buttons off on Linux and never-expiring pop-ups off on macOS', async () => {
    const linux = notifierOn('linux');
    await linux.notifier.show(ringing);
    expect(Notification.instances[0]?.options.actions).toBeUndefined();
    expect(Notification.instances[0]?.options.timeoutType).toBe('never');
    const mac = notifierOn('darwin');
    await mac.notifier.show(ringing);
    expect(Notification.instances[1]?.options.actions).toHaveLength(1);
    expect(Notification.instances[1]?.options.timeoutType).toBe('default');
  });

  it('routes a click to the item, and a button press to the action of that pop-up', async () => {
    const { notifier, clicks, actions } = notifierOn('darwin');
    const first = handleOf(await notifier.show(ringing));
    const second = handleOf(
      await notifier.show({
        ...ringing,
        itemId: 'call-2',
        actions: [{ id: 'open', label: 'Open' }],
      }),
    );
    Notification.instances[1]?.pressAction(0);
    Notification.instances[0]?.pressAction(0);
    Notification.instances[0]?.pressAction(5); // no such button: nothing
    expect(actions).toEqual([
      { handle: second, itemId: 'call-2', actionId: 'open' },
      { handle: first, itemId: 'call-1', actionId: 'mute-line-1h' },
    ]);
    Notification.instances[1]?.click();
    expect(clicks).toEqual(['call-2']);
  });

  it('closes a pop-up: closed by the app, once, and its late events are ignored', async () => {
    const { notifier, closes, clicks } = notifierOn('win32');
    const handle = handleOf(await notifier.show(ringing));
    await notifier.close(handle);
    expect(Notification.instances[0]?.closed).toBe(true);
    expect(closes).toEqual([{ handle, itemId: 'call-1', reason: 'closedByApp' }]);
    Notification.instances[0]?.click();
    await notifier.close(handle);
    expect(closes).toHaveLength(1);
    expect(clicks).toEqual([]);
  });

  it('replaces by closing the old pop-up and showing the new one under the same handle', async () => {
    const { notifier, closes, clicks } = notifierOn('win32');
    const handle = handleOf(await notifier.show(ringing));
    const replaced = await notifier.replace(handle, {
      itemId: 'call-1',
      title: 'Missed call from Ann Lee',
      body: '+1 415 555 2671',
      category: 'call.unanswered',
    });
    expect(replaced).toEqual({ shown: true, handle });
    expect(Notification.instances).toHaveLength(2);
    expect(Notification.instances[0]?.closed).toBe(true);
    expect(Notification.instances[1]?.options).toMatchObject({
      id: handle.id,
      title: 'Missed call from Ann Lee',
      urgency: 'normal',
      timeoutType: 'default',
    });
    // The replaced pop-up's own close is not the person's doing.
    expect(closes).toEqual([]);
    Notification.instances[0]?.click();
    Notification.instances[1]?.click();
    expect(clicks).toEqual(['call-1']);
  });

  it('reports the person closing a pop-up, and Windows timing it out, with the reason', async () => {
    const { notifier, closes } = notifierOn('win32');
    const first = handleOf(await notifier.show({ itemId: 'a', title: 'A', body: 'a' }));
    const second = handleOf(await notifier.show({ itemId: 'b', title: 'B', body: 'b' }));
    Notification.instances[0]?.dismiss('userCanceled');
    Notification.instances[1]?.dismiss('timedOut');
    expect(closes).toEqual([
      { handle: first, itemId: 'a', reason: 'dismissed' },
      { handle: second, itemId: 'b', reason: 'expired' },
    ]);
  });
});

describe('the shell notifier', () => {
  it('is Electron’s Notification off Linux or without a session bus, and keeps what was shown', async () => {
    const clock = new ManualClock(0);
    const logger = createRecordingLogger();
    for (const [platform, bus] of [
      ['darwin', 'unix:path=/nonexistent'],
      ['win32', null],
      ['linux', null],
    ] as const) {
      const notifier = createShellNotifier({
        platform,
        sessionBusAddress: bus,
        Notification,
        clock,
        logger,
      });
      expect(notifier.kind).toBe('electron');
      notifier.dispose();
    }
    const notifier = createShellNotifier({
      platform: 'win32',
      sessionBusAddress: null,
      Notification,
      clock,
      logger,
    });
    const clicks: string[] = [];
    notifier.onClick((itemId) => clicks.push(itemId));
    const handle = handleOf(await notifier.show({ itemId: 'x', title: 'X', body: 'x' }));
    await notifier.replace(handle, { itemId: 'x', title: 'X2', body: 'x2' });
    expect(notifier.shown.map((popup) => popup.title)).toEqual(['X', 'X2']);
    Notification.instances[1]?.click();
    notifier.reportClick('y');
    expect(clicks).toEqual(['x', 'y']);
  });
});
