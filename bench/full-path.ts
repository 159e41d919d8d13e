import { join } from 'node:path';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  recipientContext,
  type AlertEvent,
  type Decision,
  type RecipientContext,
} from '../common';
import { createEventDescriber, DeliveryEngine } from '../main/core/delivery';
import { EventBatches } from '../main/core/event-batch';
import { EventPipeline, type PipelineDelivery } from '../main/core/pipeline';
import { ShowOnlyNotifier } from '../main/core/notifier-helpers';
import {
  createSystemClock,
  type Clock,
  type Logger,
  type PopupContent,
  type PopupResult,
} from '../main/core/ports';
import { QuietHousekeeper } from '../main/core/quiet-housekeeper';
import { openStore, type Store } from '../main/core/store';
import { markCompanionStart } from './profile';

/**
 * The companion's event path as `openSession` wires it, for the benches (run.ts, catch-up.ts,
 * unread-cost.ts): a real store on disk, event batches, the pipeline, delivery with the
 * product's default preferences (pop-ups AND the in-app list on), a counting notifier at the edge.
 */

export const quietLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A notifier at the edge that counts hand-offs: the bench measures up to this call. */
export class CountingNotifierFake extends ShowOnlyNotifier {
  shown = 0;
  readonly #handle = { id: 'counted' };
  show(_content: PopupContent): Promise<PopupResult> {
    this.shown += 1;
    return Promise.resolve({ shown: true, handle: this.#handle });
  }
}

export const lineId = 'line-bench';
export const userId = 'user-bench';

/** The product's defaults: every channel as a new user has it (pop-ups and the in-app list on). */
const preferences = defaultUserPreferences('UTC');

/** Built once, as the session caches it between preference or presence changes. */
const contextBase = recipientContext({
  user: {
    id: userId,
    role: 'agent',
    email: 'bench@example.com',
    backupPhone: null,
    personalLineId: lineId,
  },
  lines: [
    {
      id: lineId,
      name: 'Bench line',
      number: '+14155550100',
      ringGroupId: null,
      ownerUserId: userId,
    },
  ],
  ringGroups: [],
  onCall: false,
  preferences,
  business: defaultBusinessDefaults(),
  now: 0,
});

export function context(): RecipientContext {
  return { ...contextBase, now: Date.now() };
}

/** The n-th event of the stream: texts from 1,000 numbers (no SMS burst), a call now and then. */
export function streamEvent(index: number): AlertEvent {
  const from = `+1415555${String(1000 + (index % 1000)).padStart(4, '0')}`;
  const base = { id: `bench-${index}`, occurredAt: '2026-11-22T10:00:00.000Z', lineId, from };
  if (index % 10 === 0) {
    return {
      ...base,
      kind: 'call',
      contactName: 'Ann Lee',
      callId: `call-${index}`,
      state: 'ringing',
    };
  }
  return {
    ...base,
    kind: 'text',
    contactName: null,
    body: `Bench message ${index}, an ordinary text.`,
  };
}

/**
 * The full companion path, as openSession wires it, over a real store on disk; on the system
 * clock unless given one (the soak moves a manual clock as its stream goes).
 */
export function fullPath(
  folder: string,
  onDeliver: (event: AlertEvent) => void,
  clock: Clock = createSystemClock(),
) {
  const store: Store = openStore(join(folder, 'companion.sqlite'));
  const notifier = new CountingNotifierFake();
  // As openSession: SQLite's own WAL checkpoints held, the housekeeper's when the stream is quiet
  // (or past its size bound), told of every committed batch. Without it SQLite checkpoints in the middle
  // of a burst, at the commit that passes 1,000 pages: the full path's p99 was those commits.
  const housekeeper = new QuietHousekeeper({ store, clock, logger: quietLogger });
  housekeeper.start();
  const batches = new EventBatches({
    store: {
      events: store.events,
      eventTransaction: (work) => {
        const result = store.eventTransaction(work);
        housekeeper.committed();
        return result;
      },
    },
    notifier,
    logger: quietLogger,
  });
  const describer = createEventDescriber({ lineName: () => 'Bench line' });
  const delivery = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger: quietLogger,
    notifications: store.notifications,
    events: store.events,
    describer,
    batches,
  });
  const measured: PipelineDelivery = {
    deliver(event: AlertEvent, decision: Decision) {
      onDeliver(event);
      delivery.deliver(event, decision);
    },
    onSettled: (listener) => delivery.onSettled(listener),
  };
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery: measured,
    observers: [],
    userId,
    context,
    describe: (event) => describer.describe(event),
    clock,
    logger: quietLogger,
  });
  // A profiled round (bench/profile.ts) is summarised from here: its floor ran before.
  markCompanionStart();
  return { store, delivery, notifier, batches, pipeline, housekeeper };
}
