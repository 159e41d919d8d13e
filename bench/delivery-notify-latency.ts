import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as dbus from '@jellybrick/dbus-next';
import { io } from 'socket.io-client';
import {
  decide,
  defaultBusinessDefaults,
  defaultUserPreferences,
  recipientContext,
  type AlertEvent,
} from '../common';
import { ServiceConnection } from '../main/core/connection';
import {
  createEventDescriber,
  createNodeNotifier,
  DbusNotifier,
  DeliveryEngine,
  sessionBusAddress,
} from '../main/core/delivery';
import { EventBatches } from '../main/core/event-batch';
import { EventPipeline } from '../main/core/pipeline';
import { createSystemClock, type Logger, type NotifierPort } from '../main/core/ports';
import { openStore } from '../main/core/store';
import { startProtocolServer } from '../test/support/protocol-server';

/**
 * Event published by the service → `Notify` seen on the session bus, for the companion with the
 * D-Bus adapter, the companion with node-notifier (notify-send), and the floor: a bare
 * socket.io client that spawns notify-send for each event. Notify is timestamped by a monitor
 * connection (`BecomeMonitor`) in this process, so every figure includes the same loopback
 * socket hop. Two paces: spread (one event every 300 ms over two lines and four kinds: no group
 * repeats inside the 2 s coalescing window) and dense (one every 200 ms, texts and calls on two
 * lines: today's coalescing holds most of them). Needs the desktop of tools/with-desktop.sh:
 *   bash tools/with-desktop.sh npx tsx bench/run.ts --skip-soak   (or npm run bench inside it)
 */

interface Row {
  name: string;
  value: number;
  unit: string;
  detail?: string;
  target?: string;
  met?: boolean;
}

const samples = Number(process.env['RINGSIDE_BENCH_NOTIFY_SAMPLES'] ?? 40);
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const userId = 'user-bench';
/** The agent's own line, and a ring group's they are in. */
const lines = [
  {
    id: 'line-a',
    name: 'Bench line A',
    number: '+14155550101',
    ringGroupId: null,
    ownerUserId: userId,
  },
  {
    id: 'line-b',
    name: 'Bench line B',
    number: '+14155550102',
    ringGroupId: 'group-b',
    ownerUserId: null,
  },
];

/** The agent's context, built once (as the session caches it). */
const contextBase = recipientContext({
  user: {
    id: userId,
    role: 'agent',
    email: 'bench@example.com',
    backupPhone: null,
    personalLineId: 'line-a',
  },
  lines,
  ringGroups: [{ id: 'group-b', name: 'Bench group' }],
  onCall: false,
  preferences: defaultUserPreferences('UTC'),
  business: defaultBusinessDefaults(),
  now: 0,
});

const context = () => ({ ...contextBase, now: Date.now() });

type Pace = 'spread' | 'dense';

/** The n-th event of a pace: its kind and line, and words that name it in the pop-up. */
function paceEvent(pace: Pace, index: number, run: string): AlertEvent {
  const kinds = pace === 'spread' ? ['call', 'text', 'voicemail', 'fax'] : ['text', 'call'];
  const kind = kinds[index % kinds.length] ?? 'text';
  const line = lines[Math.floor(index / kinds.length) % 2] ?? lines[0];
  const base = {
    id: `${run}-${index}`,
    occurredAt: new Date().toISOString(),
    lineId: line?.id ?? 'line-a',
    from: `+1415555${String(2000 + index).padStart(4, '0')}`,
  };
  const contactName = `Caller ${run} ${index}`;
  switch (kind) {
    case 'call':
      return {
        ...base,
        kind: 'call',
        contactName,
        callId: `${run}-call-${index}`,
        state: 'ringing',
      };
    case 'voicemail':
      return { ...base, kind: 'voicemail', contactName, durationSeconds: 30, transcript: 'Hi' };
    case 'fax':
      return { ...base, kind: 'fax', contactName, pages: 2 };
    default:
      return { ...base, kind: 'text', contactName, body: `Message ${index}` };
  }
}

/** The pop-up group of an event, as a Notify's summary names it ("… text(s) on Bench line A"). */
function groupOf(event: AlertEvent): string {
  const line = lines.find((candidate) => 'lineId' in event && candidate.id === event.lineId);
  return `${event.kind}@${line?.name ?? ''}`;
}

function groupOfSummary(summary: string): string | null {
  const line = lines.find((candidate) => summary.includes(candidate.name));
  const kind = ['call', 'text', 'voicemail', 'fax'].find((word) =>
    summary.toLowerCase().includes(word),
  );
  return line && kind ? `${kind}@${line.name}` : null;
}

/** Every Notify on the bus with its app name, summary and body, timestamped as it passes. */
async function monitorNotify(address: string) {
  const seen: Array<{ at: number; app: string; summary: string; body: string }> = [];
  const bus = dbus.sessionBus({ busAddress: address });
  (bus as unknown as NodeJS.EventEmitter).on('error', () => undefined);
  await new Promise<void>((resolve) => bus.once('connect', () => resolve()));
  // A monitor must never answer: every method call it sees is swallowed.
  bus.addMethodHandler(() => true);
  bus.on('message', (message) => {
    if (message.type !== dbus.MessageType.METHOD_CALL || message.member !== 'Notify') return;
    const [app, , , summary, body] = message.body as [string, number, string, string, string];
    seen.push({ at: performance.now(), app, summary, body });
  });
  await bus.call(
    new dbus.Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus.Monitoring',
      member: 'BecomeMonitor',
      signature: 'asu',
      body: [["type='method_call',interface='org.freedesktop.Notifications',member='Notify'"], 0],
    }),
  );
  return { seen, stop: () => bus.disconnect() };
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ??
    Number.NaN
  );
}

/** The companion's event path (as openSession wires it) over a real store, with `notifier`. */
async function companionPath(url: string, token: string, notifier: NotifierPort, folder: string) {
  const store = openStore(join(folder, 'companion.sqlite'));
  const clock = createSystemClock();
  const batches = new EventBatches({ store, notifier, logger: quiet });
  const describer = createEventDescriber({
    lineName: (lineId) => lines.find((line) => line.id === lineId)?.name ?? null,
  });
  const delivery = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger: quiet,
    notifications: store.notifications,
    events: store.events,
    describer,
    batches,
  });
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery,
    observers: [],
    userId,
    context,
    describe: (event) => describer.describe(event),
    clock,
    logger: quiet,
  });
  await delivery.start();
  const connection = new ServiceConnection({
    serviceUrl: url,
    token,
    deviceId: 'bench-notify',
    lastSeq: () => store.events.lastSeq(),
    epoch: () => store.events.epoch(),
    batches,
    clock,
    logger: quiet,
  });
  connection.onMessage((message) => {
    if (message.name === 'event') pipeline.process(message.value);
  });
  connection.start();
  await new Promise<void>((resolve) => {
    const stop = connection.onConnected(() => {
      stop();
      resolve();
    });
  });
  return async () => {
    connection.stop();
    await delivery.flush();
    delivery.stop();
    store.close();
  };
}

/** A bare socket.io client that spawns notify-send for each event: the floor. */
async function floorClient(url: string, token: string) {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token, afterSeq: 0, deviceId: 'bench-floor' },
  });
  socket.on('event', (event: AlertEvent) => {
    const words = 'contactName' in event ? String(event.contactName) : event.id;
    spawn(
      'notify-send',
      ['-a', 'Ringside floor', `${event.kind} on ${groupOf(event).split('@')[1] ?? ''}`, words],
      {
        stdio: 'ignore',
      },
    );
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return () => Promise.resolve(void socket.close());
}

async function measure(
  variant: 'dbus' | 'nodeNotifier' | 'floor',
  pace: Pace,
  address: string,
): Promise<number[]> {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-notify-'));
  const token = 'bench-token';
  const server = await startProtocolServer({ tokens: [token], userId });
  const monitor = await monitorNotify(address);
  const app = variant === 'floor' ? 'Ringside floor' : `Ringside bench ${variant}`;
  const notifier =
    variant === 'dbus'
      ? new DbusNotifier({ busAddress: address, appName: app })
      : createNodeNotifier({ appName: app });
  const stop =
    variant === 'floor'
      ? await floorClient(server.url, token)
      : await companionPath(server.url, token, notifier, folder);
  try {
    const run = `${variant}-${pace}`;
    const published: Array<{ at: number; group: string }> = [];
    const interval = pace === 'spread' ? 300 : 200;
    const warmUp = 4;
    for (let index = 0; index < samples + warmUp; index += 1) {
      const event = paceEvent(pace, index, run);
      // Measured: past the warm-up, and only what the person's settings pop up.
      const popsUp = decide(event, context()).deliveries.some(
        (entry) => entry.channel === 'desktop',
      );
      if (index >= warmUp && popsUp)
        published.push({ at: performance.now(), group: groupOf(event) });
      server.publish(event);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
    // The last coalescing window (2 s) and the last spawn.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const notifies = monitor.seen
      .filter((entry) => entry.app === app)
      .map((entry) => ({ at: entry.at, group: groupOfSummary(entry.summary) }));
    return published.flatMap((event) => {
      const shown = notifies.find(
        (notify) => notify.group === event.group && notify.at >= event.at,
      );
      return shown ? [shown.at - event.at] : [];
    });
  } finally {
    await stop();
    if (notifier instanceof DbusNotifier) notifier.dispose();
    monitor.stop();
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** `npm run bench` picks this up (bench/delivery-*.ts). */
export async function benchNotifyLatency(): Promise<Row[]> {
  const address = sessionBusAddress(process.env);
  if (process.env['RINGSIDE_DESKTOP_SESSION'] !== '1' || address === null) {
    return [
      {
        name: 'event → Notify on the session bus',
        value: Number.NaN,
        unit: 'ms',
        detail: 'skipped: no desktop session (run npm run bench under bash tools/with-desktop.sh)',
      },
    ];
  }
  const rows: Row[] = [];
  for (const pace of ['spread', 'dense'] as const) {
    const figures = new Map<string, number[]>();
    for (const variant of ['floor', 'dbus', 'nodeNotifier'] as const) {
      figures.set(variant, await measure(variant, pace, address));
    }
    const floorP50 = percentile(figures.get('floor') ?? [], 0.5);
    for (const [variant, latencies] of figures) {
      const p50 = percentile(latencies, 0.5);
      const p99 = percentile(latencies, 0.99);
      const label =
        variant === 'floor'
          ? 'floor: socket.io client spawning notify-send'
          : variant === 'dbus'
            ? 'companion, D-Bus adapter'
            : 'companion, node-notifier';
      const counted = `${latencies.length} events`;
      rows.push(
        {
          name: `event → Notify (${pace}), ${label}, p50`,
          value: Number(p50.toFixed(2)),
          unit: 'ms',
          detail: `${counted}; ${(p50 / floorP50).toFixed(2)}× the floor's p50`,
          ...(variant === 'dbus' ? { target: '≤ 5 ms', met: p50 <= 5 } : {}),
        },
        {
          name: `event → Notify (${pace}), ${label}, p99`,
          value: Number(p99.toFixed(2)),
          unit: 'ms',
          ...(variant === 'dbus' ? { target: '≤ 15 ms', met: p99 <= 15 } : {}),
        },
      );
    }
  }
  return rows;
}

// Run alone: `bash tools/with-desktop.sh npx tsx bench/delivery-notify-latency.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  void benchNotifyLatency().then((rows) => {
    for (const row of rows) {
      console.log(
        `${row.name}: ${row.value} ${row.unit}${row.detail ? ` (${row.detail})` : ''}${row.target ? ` target ${row.target}${row.met ? ' met' : ' MISSED'}` : ''}`,
      );
    }
    process.exit(0);
  });
}
