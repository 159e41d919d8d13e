import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide, type AlertEvent, type EventOfKind } from '../common';
import {
  createEventDescriber,
  DeliveryEngine,
  HighSmsDetector,
  ReminderScheduler,
} from '../main/core/delivery';
import { openStore } from '../main/core/store';
import type { ReminderRepository } from '../main/core/store/repositories';
import { agentContext, lineName } from '../test/support/delivery-scenario';
import {
  FakeInAppNotificationRepository,
  FakeNotifiedEvents,
  FakeReminderRepository,
} from '../test/support/in-memory-repositories';
import { ManualClock } from '../test/support/manual-clock';
import { createRecordingLogger } from '../test/support/recording-logger';
import { RecordingNotifier } from '../test/support/recording-notifier';

/** One figure of the delivery benchmarks (bench/run.ts prints these). */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The figure to stay under, as bench/run.ts prints it ("≤ 2000"). */
  target?: string;
  met?: boolean;
  detail?: string;
}

/** A row with an upper bound: `met` when the value is at or under it. */
function row(name: string, value: number, unit: string, atMost: number, detail?: string): BenchRow {
  return {
    name,
    value,
    unit,
    target: `≤ ${atMost}`,
    met: value <= atMost,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Events are built in chunks outside the timed part, so only the work under test is measured. */
const chunkSize = 10_000;

/**
 * CPU time of this process in milliseconds: the machine is shared, so wall time would count
 * other programs' turns on the CPU as ours.
 */
function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
}

function nanosecondsPer(total: number, milliseconds: number): number {
  return Number(((milliseconds * 1e6) / total).toFixed(1));
}

/**
 * High-SMS detector cost per text: 1,000 senders on 10 lines, one text per millisecond (so
 * bursts form, alert and expire all along), 1e6 texts by default.
 */
export function benchDetectors(options: { events?: number } = {}): BenchRow[] {
  const total = options.events ?? 1_000_000;
  // The detector sets no timers: a bare clock keeps the fake's bookkeeping out of the figure.
  let now = Date.UTC(2026, 10, 22, 9);
  const clock = {
    now: () => now,
    setTimeout: () => ({ id: 0 }),
    clearTimeout: () => undefined,
  };
  const detector = new HighSmsDetector({ clock });
  let elapsed = 0;
  let alerts = 0;
  for (let start = 0; start < total; start += chunkSize) {
    const count = Math.min(chunkSize, total - start);
    const base = clock.now();
    const events: Array<EventOfKind<'text'>> = [];
    for (let index = 0; index < count; index++) {
      const sender = (start + index) % 1_000;
      events.push({
        kind: 'text',
        id: `text-${start + index}`,
        occurredAt: new Date(base + index).toISOString(),
        lineId: `line-${sender % 10}`,
        from: `+1415555${String(sender).padStart(4, '0')}`,
        contactName: null,
        body: 'hello',
      });
    }
    const began = cpuMilliseconds();
    for (const event of events) {
      alerts += detector.observe(event).length;
      now++;
    }
    elapsed += cpuMilliseconds() - began;
  }
  return [
    row(
      `high-SMS detector, ns per text (${total} texts, ${alerts} alerts)`,
      nanosecondsPer(total, elapsed),
      'ns/event',
      2_000,
    ),
    row('high-SMS detector, pairs tracked at the end', detector.trackedPairs, 'pairs', 10_000),
  ];
}

function appointmentCreated(clock: ManualClock, index: number): AlertEvent {
  const startsAt = clock.now() + 2 * 86_400_000 + (index % 10_000) * 60_000;
  return {
    kind: 'appointmentCreated',
    id: `appointment-event-${index}`,
    occurredAt: new Date(clock.now()).toISOString(),
    appointment: {
      id: `appointment-${index}`,
      title: `Meeting ${index}`,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 1_800_000).toISOString(),
      contactName: null,
    },
  };
}

function timeScheduler(
  reminders: ReminderRepository,
  total: number,
): { observe: number; fire: number; raised: number } {
  const clock = new ManualClock();
  let raised = 0;
  const scheduler = new ReminderScheduler({
    clock,
    reminders,
    logger: createRecordingLogger(),
    raise: () => raised++,
  });
  scheduler.start();
  let observe = 0;
  for (let start = 0; start < total; start += chunkSize) {
    const events = Array.from({ length: Math.min(chunkSize, total - start) }, (_, index) =>
      appointmentCreated(clock, start + index),
    );
    const began = cpuMilliseconds();
    for (const event of events) scheduler.observe(event);
    observe += cpuMilliseconds() - began;
  }
  const began = cpuMilliseconds();
  clock.advance(3 * 86_400_000 + 10_000 * 60_000);
  const fire = cpuMilliseconds() - began;
  scheduler.stop();
  return { observe, fire, raised };
}

/**
 * Reminder scheduler cost per appointment event (four reminders each) and per reminder raised:
 * with an in-memory repository (the scheduler's own work, 1e5 events by default) and with the
 * SQLite store on disk (what the app pays, 1e4 events by default).
 */
export function benchScheduler(
  options: { events?: number; sqliteEvents?: number } = {},
): BenchRow[] {
  const total = options.events ?? 100_000;
  const sqliteTotal = options.sqliteEvents ?? 10_000;
  const memory = timeScheduler(new FakeReminderRepository(), total);
  const folder = mkdtempSync(join(tmpdir(), 'ringside-bench-reminders-'));
  const store = openStore(join(folder, 'ringside.sqlite'));
  let sqlite: ReturnType<typeof timeScheduler>;
  try {
    sqlite = timeScheduler(store.reminders, sqliteTotal);
  } finally {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return [
    row(
      `reminder scheduler, ns per appointment event (in memory, ${total} events)`,
      nanosecondsPer(total, memory.observe),
      'ns/event',
      50_000,
    ),
    row(
      `reminder scheduler, ns per reminder raised (in memory, ${memory.raised} reminders)`,
      nanosecondsPer(memory.raised, memory.fire),
      'ns/event',
      50_000,
    ),
    row(
      `reminder scheduler, ns per appointment event (SQLite on disk, ${sqliteTotal} events)`,
      nanosecondsPer(sqliteTotal, sqlite.observe),
      'ns/event',
      2_000_000,
    ),
    row(
      `reminder scheduler, ns per reminder raised (SQLite on disk, ${sqlite.raised} reminders)`,
      nanosecondsPer(sqlite.raised, sqlite.fire),
      'ns/event',
      2_000_000,
    ),
  ];
}

/**
 * Delivery cost per decided text under a burst (coalescing, in-app list, marking notified), with
 * in-memory fakes of the repositories and notifier: 1e5 texts, one per millisecond.
 */
export async function benchDelivery(options: { events?: number } = {}): Promise<BenchRow[]> {
  const total = options.events ?? 100_000;
  const clock = new ManualClock();
  const notifier = new RecordingNotifier();
  const notifications = new FakeInAppNotificationRepository();
  // The fake counts unread by scanning; an O(1) count keeps the figure about the engine alone.
  notifications.unreadCount = () => notifications.items.length;
  const engine = new DeliveryEngine({
    clock,
    notifier,
    logger: createRecordingLogger(),
    notifications,
    events: new FakeNotifiedEvents(),
    describer: createEventDescriber({ lineName }),
  });
  const sample: EventOfKind<'text'> = {
    kind: 'text',
    id: 'sample',
    occurredAt: new Date(clock.now()).toISOString(),
    lineId: 'line-support',
    from: '+14155552671',
    contactName: 'Ann Lee',
    body: 'hello',
  };
  const decision = decide(sample, agentContext(clock));
  let elapsed = 0;
  for (let start = 0; start < total; start += chunkSize) {
    const events = Array.from({ length: Math.min(chunkSize, total - start) }, (_, index) => ({
      ...sample,
      id: `text-${start + index}`,
    }));
    const began = cpuMilliseconds();
    for (const event of events) {
      engine.deliver(event, { ...decision, eventId: event.id });
      clock.advance(1);
    }
    elapsed += cpuMilliseconds() - began;
  }
  await engine.flush();
  engine.stop();
  return [
    row(
      `delivery, ns per text in a burst (${total} texts, ${notifier.shown.length} pop-ups)`,
      nanosecondsPer(total, elapsed),
      'ns/event',
      20_000,
    ),
  ];
}
