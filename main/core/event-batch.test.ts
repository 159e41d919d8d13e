import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, ServiceEvent } from '../../common';
import { oneLineAgentContext, oneLineAgentEnvelope } from '../../test/support/one-line-agent';
import { createCondition } from '../../test/support/wait-for';
import { ManualClock } from '../../test/support/manual-clock';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { createEventDescriber, DeliveryEngine } from './delivery';
import {
  ArrivalQueue,
  EventBatches,
  maximumBatchSize,
  writeFailureCause,
  writeFailureNotices,
} from './event-batch';
import { EventPipeline } from './pipeline';
import { ShowOnlyNotifier } from './notifier-helpers';
import { createSystemClock, type PopupContent, type PopupHandle, type PopupResult } from './ports';
import { openStore, type Store } from './store';
import { cleanupAfterEach } from '../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-batch-');

/**
 * A notifier at the OS edge whose pop-ups stay in flight until the test settles them, and which
 * records, as each pop-up arrives, what another connection to the store sees.
 */
class HeldNotifierFake extends ShowOnlyNotifier {
  readonly shown: string[] = [];
  /** Per pop-up shown: the events another connection still sees as owed a pop-up. */
  readonly owedAtShow: string[][] = [];
  readonly #settlers: Array<() => void> = [];
  readonly #condition = createCondition();

  constructor(readonly observer: Store) {
    super();
  }

  /** Every call in the order the notifier got it: `show:`, `replace:` or `close:` and an id. */
  readonly calls: string[] = [];

  override replace(handle: PopupHandle, content: PopupContent): Promise<PopupResult> {
    this.calls.push(`replace:${handle.id}`);
    return this.show(content);
  }

  override close(handle: PopupHandle): Promise<void> {
    this.calls.push(`close:${handle.id}`);
    this.#condition.signal();
    return Promise.resolve();
  }

  show(content: PopupContent): Promise<PopupResult> {
    this.calls.push(`show:${content.itemId}`);
    this.shown.push(content.itemId);
    this.owedAtShow.push(this.observer.events.pendingNotifications().map((item) => item.event.id));
    this.#condition.signal();
    const handle = { id: content.itemId };
    return new Promise((resolve) => this.#settlers.push(() => resolve({ shown: true, handle })));
  }

  /** The oldest pop-up in flight is done (the daemon took it). */
  settle(): void {
    this.#settlers.shift()?.();
  }

  get inFlight(): number {
    return this.#settlers.length;
  }

  async waitForShown(count: number): Promise<void> {
    await this.#condition.until(() => this.shown.length >= count, `${count} pop-ups shown`);
  }
}

/** Kinds differ so that delivery pops each at once (it coalesces one line and kind). */
const text = (seq: number): ServiceEvent => ({
  ...oneLineAgentEnvelope(seq),
  kind: 'text',
  body: 'Hi',
});
const voicemail = (seq: number): ServiceEvent => ({
  ...oneLineAgentEnvelope(seq),
  kind: 'voicemail',
  durationSeconds: 12,
  transcript: 'Call me back',
});
const fax = (seq: number): ServiceEvent => ({
  ...oneLineAgentEnvelope(seq),
  kind: 'fax',
  pages: 2,
});

/**
 * One session's event path as openSession wires it (store, batches, delivery, pipeline),
 * with a second connection to the same file that sees only what was committed.
 */
async function session() {
  const folder = temporaryFolder();
  const path = join(folder, 'ringside.sqlite');
  const store = openStore(path);
  const observer = openStore(path);
  defer(() => store.close());
  defer(() => observer.close());
  const clock = createSystemClock();
  const logger = createRecordingLogger();
  const notifier = new HeldNotifierFake(observer);
  const batches = new EventBatches({ store, notifier, logger });
  const delivery = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger,
    notifications: store.notifications,
    events: store.events,
    describer: createEventDescriber({ lineName: () => null }),
    batches,
  });
  await delivery.start();
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery,
    observers: [],
    userId: oneLineAgentEnvelope(1).userId,
    context: oneLineAgentContext,
    describe: (event: AlertEvent) => ({ title: event.kind, body: event.id }),
    clock,
    logger,
  });
  return { store, observer, notifier, batches, delivery, pipeline, logger };
}

/** An error as better-sqlite3 throws it when the disk is full. */
function diskFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

// Rule 5 (marks written together, joined to an open transaction, written before reads and at
// close) is the store's: its tests are in store/sqlite-store.test.ts ("the event transaction").
describe('the event batch contract (main/core/event-batch.ts)', () => {
  it('1. what arrived together is one transaction: committed together, nested runs join it', async () => {
    const { observer, batches, pipeline, store } = await session();
    batches.run(() => {
      pipeline.process(text(1));
      pipeline.process(voicemail(2));
      batches.run(() => pipeline.process(fax(3)));
      // Written, not committed: another connection sees none of it.
      expect(store.events.lastSeq()).toBe(3);
      expect(observer.events.lastSeq()).toBe(0);
      expect(observer.events.has('event-1')).toBe(false);
    });
    expect(observer.events.lastSeq()).toBe(3);
    expect(observer.events.recent(10)).toHaveLength(3);
  });

  it('1. what arrives before the event loop turns is one batch, at most maximumBatchSize, in order', async () => {
    const handed: number[][] = [];
    const condition = createCondition();
    const queue = new ArrivalQueue<number>(
      (batch) => {
        handed.push(batch);
        condition.signal();
      },
      { clock: new ManualClock() },
    );
    const count = maximumBatchSize + 2;
    for (let item = 0; item < count; item += 1) queue.push(item);
    await condition.until(() => handed.length === 2, 'two batches');
    expect(handed.map((batch) => batch.length)).toEqual([maximumBatchSize, 2]);
    expect(handed.flat()).toEqual([...Array(count).keys()]);
    // Arriving after the turn: a batch of its own.
    queue.push(count);
    await condition.until(() => handed.length === 3, 'a third batch');
    expect(handed[2]).toEqual([count]);
    // Dropped before it was handed on (the link went down): never handed on.
    queue.push(-1);
    queue.clear();
    queue.push(count + 1);
    await condition.until(() => handed.length === 4, 'a fourth batch');
    expect(handed[3]).toEqual([count + 1]);
  });

  it('2. a pop-up raised in a batch reaches the notifier only after the commit', async () => {
    const { batches, pipeline, notifier: held } = await session();
    batches.run(() => {
      pipeline.process(text(1));
      expect(held.shown).toEqual([]);
    });
    // Handed on at the commit, and the decision was on disk when it was.
    expect(held.shown).toEqual(['event-1']);
    expect(held.owedAtShow).toEqual([['event-1']]);
  });

  it('3. a failed batch rolls back whole and drops its own pop-ups; the error reaches the caller', async () => {
    const { batches, pipeline, observer, store, notifier: held } = await session();
    // A committed batch whose second pop-up is still waiting its turn.
    batches.run(() => {
      pipeline.process(text(1));
      pipeline.process(voicemail(2));
    });
    expect(held.shown).toEqual(['event-1']);
    let dropped: Promise<PopupResult> | null = null;
    expect(() =>
      batches.run(() => {
        pipeline.process(fax(3));
        dropped = batches.notifier.show({ itemId: 'sample', title: 'Sample', body: '' });
        throw new Error('The disk is full');
      }),
    ).toThrow('The disk is full');
    expect(await (dropped as unknown as Promise<PopupResult>)).toEqual({
      shown: false,
      reason: 'The batch that raised it was not recorded',
    });
    expect(store.events.has('event-3')).toBe(false);
    expect(store.events.lastSeq()).toBe(2);
    // The earlier batch's pop-up is not dropped with it.
    held.settle();
    await held.waitForShown(2);
    held.settle();
    expect(held.shown).toEqual(['event-1', 'event-2']);
    expect(observer.events.lastSeq()).toBe(2);
  });

  it('4. one pop-up in flight, the next only once the one before is marked on disk, batch or not', async () => {
    const { batches, pipeline, observer, delivery, notifier: held } = await session();
    batches.run(() => {
      pipeline.process(text(1));
      pipeline.process(voicemail(2));
    });
    // Outside any batch (a sample pop-up): it waits its turn too.
    const sample = batches.notifier.show({ itemId: 'sample', title: 'Sample', body: '' });
    expect(held.shown).toEqual(['event-1']);
    expect(held.inFlight).toBe(1);
    held.settle();
    await held.waitForShown(2);
    held.settle();
    await held.waitForShown(3);
    held.settle();
    expect(await sample).toEqual({ shown: true, handle: { id: 'sample' } });
    await delivery.flush();
    expect(held.shown).toEqual(['event-1', 'event-2', 'sample']);
    // When each went out, every pop-up before it was already marked on disk.
    expect(held.owedAtShow).toEqual([['event-1', 'event-2'], ['event-2'], []]);
    expect(observer.events.pendingNotifications()).toEqual([]);
  });

  it('4. replace and close wait for the commit and their turn: a close never overtakes a show', async () => {
    const { batches, notifier: held } = await session();
    const ringing = { itemId: 'ringing', title: 'Incoming call', body: 'Ann' };
    let shown: Promise<PopupResult> | null = null;
    let closed: Promise<void> | null = null;
    batches.run(() => {
      shown = batches.notifier.show(ringing);
      // The call is answered in the same batch: the close is queued behind the show.
      closed = batches.notifier.close({ id: 'ringing' });
      void batches.notifier.replace({ id: 'ringing' }, { ...ringing, title: 'Missed call' });
      expect(held.calls).toEqual([]);
    });
    expect(held.calls).toEqual(['show:ringing']);
    held.settle();
    await (shown as unknown as Promise<PopupResult>);
    await (closed as unknown as Promise<void>);
    await held.waitForShown(2);
    expect(held.calls).toEqual([
      'show:ringing',
      'close:ringing',
      'replace:ringing',
      'show:ringing',
    ]);
    held.settle();
    // A close raised in a batch that rolls back never reaches the notifier.
    expect(() =>
      batches.run(() => {
        void batches.notifier.close({ id: 'ringing' });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    void batches.notifier.show({ itemId: 'after', title: 'After', body: '' });
    await held.waitForShown(3);
    held.settle();
    expect(held.calls.filter((call) => call.startsWith('close:'))).toHaveLength(1);
  });

  it('4. with nothing in flight, a pop-up outside a batch goes to the notifier at once', async () => {
    const { batches, notifier: held } = await session();
    void batches.notifier.show({ itemId: 'now', title: 'Now', body: '' });
    expect(held.shown).toEqual(['now']);
    held.settle();
  });

  it('6. afterCommit work runs after the commit, in order; the rollback work instead when it fails', async () => {
    const { batches, pipeline, observer } = await session();
    const order: string[] = [];
    batches.afterCommit(() => order.push('no batch open: at once'));
    batches.run(() => {
      batches.afterCommit(() => order.push(`first, committed: ${observer.events.has('event-1')}`));
      pipeline.process(text(1));
      batches.afterCommit(() => order.push('second'));
      order.push('work done');
    });
    expect(order).toEqual([
      'no batch open: at once',
      'work done',
      'first, committed: true',
      'second',
    ]);
    expect(() =>
      batches.run(() => {
        batches.afterCommit(
          () => order.push('never'),
          () => order.push('rolled back'),
        );
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(order.slice(4)).toEqual(['rolled back']);
  });

  it('6. an event id counts as seen only once its batch committed: a rolled-back batch is processed again', async () => {
    const { batches, pipeline, store, observer } = await session();
    const announced: string[] = [];
    pipeline.onDecision((item) => announced.push(item.eventId));
    expect(() =>
      batches.run(() => {
        pipeline.process(text(1));
        throw diskFull();
      }),
    ).toThrow('database or disk is full');
    expect(store.events.has('event-1')).toBe(false);
    // Nobody heard of it: decisions reach listeners only after the commit.
    expect(announced).toEqual([]);
    batches.run(() => pipeline.process(text(1)));
    expect(observer.events.has('event-1')).toBe(true);
    expect(pipeline.counters).toMatchObject({ decided: 2, duplicates: 0 });
  });

  it('7. a failed write is named by its cause, one notice per cause, gone once a batch commits', async () => {
    const { batches, pipeline, logger } = await session();
    expect(writeFailureCause(diskFull())).toBe('diskFull');
    expect(writeFailureCause(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(
      'storageError',
    );
    expect(writeFailureCause(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(
      'storageLocked',
    );
    expect(writeFailureCause(new Error('The policy threw'))).toBeNull();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(() =>
        batches.run(() => {
          pipeline.process(text(1));
          throw diskFull();
        }),
      ).toThrow();
    }
    expect(batches.health.get()).toEqual([
      { code: 'diskFull', message: writeFailureNotices.diskFull },
    ]);
    expect(
      logger.lines.filter((line) => line.message === writeFailureNotices.diskFull),
    ).toHaveLength(1);
    batches.run(() => pipeline.process(text(1)));
    expect(batches.health.get()).toEqual([]);
  });

  it('7. the arrival queue holds a batch that failed, keeps later arrivals behind it, retries with backoff', async () => {
    const clock = new ManualClock();
    const handed: number[][] = [];
    const condition = createCondition();
    let failuresLeft = 2;
    const queue = new ArrivalQueue<number>(
      (batch) => {
        handed.push([...batch]);
        // Checked once the queue has taken the failure in.
        queueMicrotask(() => condition.signal());
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw diskFull();
        }
      },
      { clock },
    );
    queue.push(1);
    await condition.until(() => handed.length === 1 && queue.holding, 'the first attempt held');
    queue.push(2);
    queue.push(3);
    clock.advance(999);
    expect(handed).toHaveLength(1);
    clock.advance(1);
    await condition.until(() => handed.length === 2 && queue.holding, 'the second attempt held');
    // Then 2 s: the wait doubles.
    clock.advance(2_000);
    await condition.until(() => handed.length === 3, 'the third attempt');
    expect(handed).toEqual([[1], [1, 2, 3], [1, 2, 3]]);
    expect(queue.holding).toBe(false);
  });
});
