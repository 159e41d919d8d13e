import { join } from 'node:path';
import { createCompanion } from '../../main/core/companion';
import type { Companion } from '../../main/core/companion-api';
import { DbusNotifier } from '../../main/core/delivery';
import { passThroughNotifier } from '../../main/core/notifier-helpers';
import {
  createSystemClock,
  type NotifierPort,
  type PopupContent,
  type PopupResult,
} from '../../main/core/ports';
import { startService, type RunningService } from '../../service';
import { demoLines, demoUsers } from '../../service/seed';
import type { cleanupAfterEach } from './cleanups';
import { startDunst, startPrivateBus, type PrivateDunst } from './private-desktop-bus';
import { createRecordingLogger } from './recording-logger';
import { createCondition, waitForValue } from './wait-for';

/**
 * Jordan's companion (the real core) against the stand-in service, popping through the D-Bus
 * adapter to a dunst of the test's own: the end-to-end desktop tests of issue 12
 * (test/call-life-desktop.test.ts, test/popups-desktop.test.ts). Needs tools/with-desktop.sh.
 */

export const annCall = (callId: string, state: string, lineId: string = demoLines.jordan.id) => ({
  kind: 'call',
  lineId,
  from: '+14155552631',
  contactName: 'Ann Lee',
  callId,
  state,
  ...(state === 'answered'
    ? {
        answeredBy: {
          userId: demoUsers.taylor.id,
          name: demoUsers.taylor.name,
          device: 'Desk phone',
        },
      }
    : {}),
});

/** A pop-up as the adapter holds it: what it says now, and whether it left the screen. */
export interface Tracked {
  content: PopupContent;
  closed: boolean;
}

/**
 * The D-Bus adapter with a record of every pop-up it was asked for (by handle) and each one's
 * `NotificationClosed`: the adapter's view, checked against dunst's.
 */
export function tracking(inner: DbusNotifier) {
  const popups = new Map<string, Tracked>();
  const changed = createCondition();
  const keep = (result: PopupResult, content: PopupContent) => {
    if (result.shown) popups.set(result.handle.id, { content, closed: false });
    changed.signal();
    return result;
  };
  const notifier: NotifierPort = passThroughNotifier(inner, {
    show: async (content) => keep(await inner.show(content), content),
    replace: async (handle, content) => keep(await inner.replace(handle, content), content),
  });
  inner.onClosed(({ handle }) => {
    const popup = popups.get(handle.id);
    if (popup) popup.closed = true;
    changed.signal();
  });
  const ringing = () =>
    [...popups.values()].filter(
      (popup) => !popup.closed && popup.content.category === 'call.incoming',
    );
  return { notifier, popups, changed, ringing };
}

export interface DesktopCompanion {
  service: RunningService;
  dunst: PrivateDunst;
  companion: Companion;
  tracked: ReturnType<typeof tracking>;
  decided: ReturnType<typeof createCondition>;
  decisions: string[];
}

/** Starts a private bus, a dunst, the service and Jordan's companion, connected. */
export async function desktop(
  cleanups: ReturnType<typeof cleanupAfterEach>,
): Promise<DesktopCompanion> {
  const { defer, temporaryFolder } = cleanups;
  const bus = await startPrivateBus(temporaryFolder());
  defer(() => bus.stop());
  const dunst = await startDunst(bus, temporaryFolder());
  defer(() => dunst.stop());
  const service = await startService({
    databasePath: join(temporaryFolder(), 'service.sqlite'),
  });
  defer(() => service.close());
  const adapter = new DbusNotifier({ busAddress: bus.address });
  defer(() => adapter.dispose());
  const tracked = tracking(adapter);
  const companion = createCompanion({
    dataDir: temporaryFolder(),
    serviceUrl: service.url,
    token: demoUsers.jordan.token,
    notifier: tracked.notifier,
    clock: createSystemClock(),
    logger: createRecordingLogger(),
  });
  defer(() => companion.stop());
  const decisions: string[] = [];
  const decided = createCondition();
  companion.onDecision((item) => {
    decisions.push(item.eventId);
    decided.signal();
  });
  await companion.start();
  await waitForValue(companion.connection, (state) => state.status === 'connected');
  return { service, dunst, companion, tracked, decided, decisions };
}

/** Injects for Jordan and waits until the companion decided it; returns the event's id. */
export async function send(
  setup: DesktopCompanion,
  body: Record<string, unknown>,
): Promise<string> {
  const [event] = setup.service.inject(demoUsers.jordan.id, body);
  const id = event?.id ?? '';
  await setup.decided.until(() => setup.decisions.includes(id), `decided ${id}`, 10_000);
  return id;
}
