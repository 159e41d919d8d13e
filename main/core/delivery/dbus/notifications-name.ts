import { notificationsName } from './freedesktop';
import { BusCallError, type SessionBus } from './session-bus';

/** Who owns `org.freedesktop.Notifications` on the bus now (a daemon's unique name), or null. */
export async function notificationsOwner(bus: SessionBus): Promise<string | null> {
  try {
    const [owner] = await bus.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interfaceName: 'org.freedesktop.DBus',
      member: 'GetNameOwner',
      signature: 's',
      body: [notificationsName],
    });
    return typeof owner === 'string' ? owner : null;
  } catch (error) {
    if (error instanceof BusCallError && error.errorName?.endsWith('NameHasNoOwner')) return null;
    throw error;
  }
}

/** Whether the bus can start a notification daemon on the first call (a service file). */
export async function notificationsActivatable(bus: SessionBus): Promise<boolean> {
  const [names] = await bus.call({
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interfaceName: 'org.freedesktop.DBus',
    member: 'ListActivatableNames',
  });
  return Array.isArray(names) && names.includes(notificationsName);
}
