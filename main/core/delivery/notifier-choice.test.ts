import { describe, expect, it } from 'vitest';
import { chooseNotifier } from './notifier-choice';

const bus = 'unix:path=/run/user/1000/bus';

describe('chooseNotifier: which notifier runs where', () => {
  it.each([
    ['linux', 'headless', bus, 'dbus'],
    ['linux', 'electron', bus, 'dbus'],
    ['freebsd', 'headless', bus, 'dbus'],
    ['linux', 'headless', null, 'nodeNotifier'],
    ['linux', 'electron', null, 'electron'],
    ['darwin', 'headless', bus, 'nodeNotifier'],
    ['darwin', 'electron', bus, 'electron'],
    ['win32', 'headless', null, 'nodeNotifier'],
    ['win32', 'electron', null, 'electron'],
  ] as const)('%s, %s, session bus %s → %s', (platform, shell, sessionBusAddress, kind) => {
    expect(chooseNotifier({ platform, shell, sessionBusAddress }).kind).toBe(kind);
  });
});
