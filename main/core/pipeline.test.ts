import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, Decision, RecipientContext, ServiceEvent } from '../../common';
import { cleanupAfterEach } from '../../test/support/cleanups';
import { FailingStore } from '../../test/support/failing-store';
import { oneLineAgentContext, oneLineAgentEnvelope } from '../../test/support/one-line-agent';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { EventBatches } from './event-batch';
import { EventPipeline, type EventObserver, type PipelineDelivery } from './pipeline';
import { createSystemClock } from './ports';
import { openStore, type Store } from './store';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-pipeline-');

function temporaryStore(): { store: Store; path: string } {
  const folder = temporaryFolder();
  const path = join(folder, 'store.sqlite');
  const store = openStore(path);
  defer(() => store.close());
  return { store, path };
}

/**
 * A fake at the delivery edge: records what it is handed, in order, and settles each delivery
 * once its batch committed (no pop-ups here), as the real one does for an alert without one.
 */
class RecordingDeliveryFake implements PipelineDelivery {
  readonly delivered: Array<{ event: AlertEvent; decision: Decision }> = [];
  readonly #listeners = new Set<(settled: ReadonlyArray<{ eventId: string }>) => void>();
  constructor(readonly batches: EventBatches) {}
  deliver(event: AlertEvent, decision: Decision): void {
    this.delivered.push({ event, decision });
    this.batches.afterCommit(() => {
      for (const listener of this.#listeners) listener([{ eventId: event.id }]);
    });
  }
  onSettled(listener: (settled: ReadonlyArray<{ eventId: string }>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function text(seq: number, id = `event-${seq}`): ServiceEvent {
  return { ...oneLineAgentEnvelope(seq, id), kind: 'text', body: 'Running late' };
}

/** The pipeline as openSession wires it: over the real store and the session's batches. */
function pipelineOver(
  store: Store,
  options: {
    observers?: EventObserver[];
    context?: () => RecipientContext;
    onStall?: (eventId: string) => void;
  } = {},
) {
  const logger = createRecordingLogger();
  const batches = new EventBatches({ store, notifier: new RecordingNotifier(), logger });
  const delivery = new RecordingDeliveryFake(batches);
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery,
    observers: options.observers ?? [],
    userId: 'user-jordan',
    context: options.context ?? oneLineAgentContext,
    describe: (event) => ({ title: `A ${event.kind}`, body: event.id }),
    clock: createSystemClock(),
    logger,
    ...(options.onStall ? { onStall: options.onStall } : {}),
  });
  return { pipeline, delivery, batches, logger };
}

/** A context that throws for one event id: the policy failing on that event by itself. */
function failingFor(eventId: () => string | null): () => RecipientContext {
  return () => {
    if (eventId() !== null) throw new Error('The policy exploded');
    return oneLineAgentContext();
  };
}

describe('EventPipeline', () => {
  it('decides, records (advancing lastSeq), delivers, then announces each event from its record', () => {
    const { store } = temporaryStore();
    const { pipeline, delivery, batches } = pipelineOver(store);
    const announced: string[] = [];
    pipeline.onDecision((item, decision) => {
      announced.push(item.eventId);
      expect(item.decision).toEqual(decision);
      expect(item.title).toBe('A text');
      // Read back from the store: email and SMS are the service's to report, not guessed here.
      expect(item.channels.find((report) => report.channel === 'email')).toMatchObject({
        status: 'pending',
        code: 'notReported',
      });
    });
    batches.run(() => {
      for (let seq = 1; seq <= 5; seq += 1) pipeline.process(text(seq));
      expect(announced).toEqual([]);
    });
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(announced);
    expect(announced).toEqual(['event-1', 'event-2', 'event-3', 'event-4', 'event-5']);
    expect(store.events.lastSeq()).toBe(5);
    const first = delivery.delivered[0]?.decision;
    expect(first?.deliveries.map((entry) => entry.channel)).toContain('desktop');
    expect(store.events.recent(10)).toHaveLength(5);
  });

  it('drops an event already recorded, also after a restart', () => {
    const { store, path } = temporaryStore();
    const { pipeline, delivery } = pipelineOver(store);
    pipeline.process(text(1));
    pipeline.process(text(1));
    expect(delivery.delivered).toHaveLength(1);
    store.close();
    const reopened = openStore(path);
    defer(() => reopened.close());
    const again = pipelineOver(reopened);
    again.pipeline.process(text(1));
    again.pipeline.process(text(2));
    expect(again.delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-2']);
    expect(again.pipeline.counters).toMatchObject({ decided: 1, duplicates: 1 });
    expect(reopened.events.lastSeq()).toBe(2);
  });

  it('tells observers of each recorded event inside its batch; an event they raise comes right after', () => {
    const { store } = temporaryStore();
    let pipeline: EventPipeline | null = null;
    const seen: string[] = [];
    const raiseDuring: EventObserver = {
      observe(event) {
        seen.push(event.id);
        if (event.id === 'event-1') {
          pipeline?.process({
            kind: 'text',
            id: 'local:raised:event-1',
            occurredAt: event.occurredAt,
            lineId: 'line-jordan',
            from: '+14155550100',
            contactName: null,
            body: 'Raised while event-1 was processed',
          });
        }
      },
    };
    const built = pipelineOver(store, { observers: [raiseDuring] });
    pipeline = built.pipeline;
    pipeline.process(text(1));
    expect(seen).toEqual(['event-1', 'local:raised:event-1']);
    expect(built.delivery.delivered.map((entry) => entry.event.id)).toEqual([
      'event-1',
      'local:raised:event-1',
    ]);
  });

  it('refuses an event addressed to another user: counted, logged, not recorded, lastSeq kept', () => {
    const { store } = temporaryStore();
    const { pipeline, delivery, logger } = pipelineOver(store);
    pipeline.process(text(1));
    pipeline.process({ ...text(2), userId: 'user-taylor' });
    expect(store.events.has('event-2')).toBe(false);
    expect(store.events.lastSeq()).toBe(1);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1']);
    expect(pipeline.counters.misaddressed).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Refused an event addressed to another user',
        fields: expect.objectContaining({ eventId: 'event-2', userId: 'user-taylor' }) as object,
      }),
    );
  });

  it("adopts the service's copy of an alert raised here: lastSeq past it, nothing delivered, the row updated", () => {
    const { store } = temporaryStore();
    const { pipeline, delivery } = pipelineOver(store);
    const updated: string[] = [];
    pipeline.onUpdate((item) => {
      updated.push(item.eventId);
      expect(item.channels.find((report) => report.channel === 'email')).toEqual({
        channel: 'email',
        status: 'sent',
        outboxId: 9,
        destination: 'jordan@example.com',
      });
    });
    // The same alert as the companion raises it itself: no seq, no user.
    const local = Object.fromEntries(
      Object.entries(text(3, 'reminder:1')).filter(([key]) => key !== 'seq' && key !== 'userId'),
    ) as AlertEvent;
    pipeline.process(local);
    expect(store.events.lastSeq()).toBe(0);
    pipeline.process({
      ...text(3, 'reminder:1'),
      outcome: {
        deliveries: [
          { channel: 'email', status: 'sent', outboxId: 9, destination: 'jordan@example.com' },
        ],
      },
    });
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['reminder:1']);
    expect(store.events.lastSeq()).toBe(3);
    expect(updated).toEqual(['reminder:1']);
    expect(pipeline.counters).toMatchObject({ decided: 1, adopted: 1, duplicates: 0 });
  });

  it('holds the stream after an event that fails by itself, until the replay', () => {
    const { store } = temporaryStore();
    let failing: string | null = null;
    let failuresLeft = 1;
    const stalls: string[] = [];
    const { pipeline, delivery } = pipelineOver(store, {
      context: failingFor(() => failing),
      onStall: (eventId) => stalls.push(eventId),
    });
    const attempt = (event: ServiceEvent) => {
      failing = event.id === 'event-2' && failuresLeft-- > 0 ? event.id : null;
      pipeline.process(event);
    };
    attempt(text(1));
    attempt(text(2));
    // Recording event 3 now would move lastSeq past the failed event 2: it is held back.
    attempt(text(3));
    expect(stalls).toEqual(['event-2']);
    expect(store.events.has('event-2')).toBe(false);
    expect(store.events.lastSeq()).toBe(1);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1']);
    // The reconnect replays from lastSeq = 1.
    pipeline.resume();
    attempt(text(2));
    attempt(text(3));
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual([
      'event-1',
      'event-2',
      'event-3',
    ]);
    expect(store.events.lastSeq()).toBe(3);
  });

  it('gives up on a poison event after a few attempts so the stream moves on', () => {
    const { store } = temporaryStore();
    let current: string | null = null;
    const { pipeline, delivery } = pipelineOver(store, {
      context: failingFor(() => (current === 'event-2' ? current : null)),
    });
    const attempt = (event: ServiceEvent) => {
      current = event.id;
      pipeline.process(event);
    };
    attempt(text(1));
    for (let tries = 0; tries < 3; tries += 1) {
      pipeline.resume();
      attempt(text(2));
    }
    attempt(text(3));
    expect(store.events.lastSeq()).toBe(3);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1', 'event-3']);
  });

  it('never gives up on an event because a write failed: 10 failed writes, then it is decided for real', () => {
    const { store } = temporaryStore();
    const failing = new FailingStore(store);
    const { pipeline, delivery, batches } = pipelineOver(failing);
    // Half at the commit, half at the write itself, inside a batch with an event before it.
    for (let tries = 0; tries < 10; tries += 1) {
      if (tries % 2 === 0) failing.failNext('SQLITE_FULL');
      else failing.failNextWrite('SQLITE_IOERR_WRITE');
      expect(() =>
        batches.run(() => {
          pipeline.process(text(1, 'event-0'));
          pipeline.process(text(2, 'event-1'));
        }),
      ).toThrow(tries % 2 === 0 ? 'database or disk is full' : 'disk I/O error');
      expect(store.events.has('event-0')).toBe(false);
      expect(store.events.has('event-1')).toBe(false);
      expect(store.events.lastSeq()).toBe(0);
    }
    pipeline.process(text(1, 'event-0'));
    pipeline.process(text(2, 'event-1'));
    expect(store.events.get('event-1')?.decision.deliveries.length).toBeGreaterThan(0);
    expect(pipeline.counters.failed).toBe(0);
    expect(delivery.delivered.map((entry) => entry.event.id).at(-1)).toBe('event-1');
  });
});
