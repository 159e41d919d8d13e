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
import {
  startDunst,
  startPrivateBus,
  type PrivateBus,
  type PrivateDunst,
} from './private-desktop-bus';
import { createRecordingLogger } from './recording-logger';
import { createCondition, waitForValue } from './wait-for';

/**
 * A demo user's companion (the real core; Jordan's unless told) against the stand-in service, popping through the D-Bus
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
  /** The test's own session bus, the one the adapter and dunst speak on. */
  bus: PrivateBus;
  dunst: PrivateDunst;
  companion: Companion;
  tracked: ReturnType<typeof tracking>;
  decided: ReturnType<typeof createCondition>;
  decisions: string[];
  /** Whose companion it is (the demo business's user). */
  userId: string;
}

/** Whose companion runs: Jordan (an agent) by default; Sam (the billing admin) gets usage. */
export interface DesktopOptions {
  user?: keyof typeof demoUsers;
}

/** A companion whose bus has no notification daemon until the test starts one. */
export interface DaemonlessDesktop extends Omit<DesktopCompanion, 'dunst'> {
  /** Starts dunst on the bus; resolves once it owns `org.freedesktop.Notifications`. */
  startDunst: () => Promise<PrivateDunst>;
}

/** Starts a private bus, a dunst, the service and the user's companion, connected. */
export async function desktop(
  cleanups: ReturnType<typeof cleanupAfterEach>,
  options: DesktopOptions = {},
): Promise<DesktopCompanion> {
  const { startDunst: start, ...rest } = await startDesktop(cleanups, options, true);
  return { ...rest, dunst: await start() };
}

/**
 * As `desktop`, but nothing owns `org.freedesktop.Notifications` on the bus when the companion
 * starts (a session without a notification daemon); `startDunst` brings one.
 */
export function desktopWithoutDaemon(
  cleanups: ReturnType<typeof cleanupAfterEach>,
  options: DesktopOptions = {},
): Promise<DaemonlessDesktop> {
  return startDesktop(cleanups, options, false);
}

async function startDesktop(
  cleanups: ReturnType<typeof cleanupAfterEach>,
  options: DesktopOptions,
  daemonFirst: boolean,
): Promise<DaemonlessDesktop> {
  const { defer, temporaryFolder } = cleanups;
  const user = demoUsers[options.user ?? 'jordan'];
  const bus = await startPrivateBus(temporaryFolder());
  defer(() => bus.stop());
  const startDaemon = async () => {
    const dunst = await startDunst(bus, temporaryFolder());
    defer(() => dunst.stop());
    return dunst;
  };
  // With the daemon first, the companion's probe finds it (and the caller gets this one).
  const early = daemonFirst ? await startDaemon() : null;
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
    token: user.token,
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
  return {
    service,
    bus,
    companion,
    tracked,
    decided,
    decisions,
    userId: user.id,
    startDunst: early ? () => Promise.resolve(early) : startDaemon,
  };
}

/**
 * Injects for the companion's user and waits until the companion decided it; returns the
 * event's id.
 */
export async function send(
  setup: Pick<DesktopCompanion, 'service' | 'decided' | 'decisions' | 'userId'>,
  body: Record<string, unknown>,
): Promise<string> {
  const [event] = setup.service.inject(setup.userId, body);
  const id = event?.id ?? '';
  await setup.decided.until(() => setup.decisions.includes(id), `decided ${id}`, 10_000);
  return id;
}
