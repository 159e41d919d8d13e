import { describe, expect, it } from 'vitest';
import { DbusNotifier } from '../main/core/delivery';
import { headlessNotifier } from '../main/headless/run';
import { createRecordingLogger } from './support/recording-logger';

describe('the headless companion’s notifier', () => {
  it('is the D-Bus adapter on Linux with a session bus, node-notifier without one or elsewhere', () => {
    const logger = createRecordingLogger();
    const bus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const linux = headlessNotifier(bus, logger, 'linux');
    expect(linux).toBeInstanceOf(DbusNotifier);
    (linux as DbusNotifier).dispose();
    expect(headlessNotifier({}, logger, 'linux')).not.toBeInstanceOf(DbusNotifier);
    expect(headlessNotifier(bus, logger, 'darwin')).not.toBeInstanceOf(DbusNotifier);
    expect(headlessNotifier(bus, logger, 'darwin').capabilities.get().close).toBe(false);
  });
});
