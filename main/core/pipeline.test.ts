import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, Decision, ServiceEvent } from '../../common';
import { oneLineAgentContext, oneLineAgentEnvelope } from '../../test/support/one-line-agent';
import { createRecordingLogger } from '../../test/support/recording-logger';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { EventBatches } from './event-batch';
import type { Detector } from './delivery/detector';
import { EventPipeline, type PipelineDelivery } from './pipeline';
import { createSystemClock } from './ports';
import { openStore, type Store } from './store';
import { cleanupAfterEach } from '../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-pipeline-');

function temporaryStore(): { store: Store; path: string } {
  const folder = temporaryFolder();
  const path = join(folder, 'store.sqlite');
  const store = openStore(path);
  defer(() => store.close());
  return { store, path };
}

/** A fake at the delivery edge: records what it is handed, in order. */
class RecordingDeliveryFake implements PipelineDelivery {
  readonly delivered: Array<{ event: AlertEvent; decision: Decision }> = [];
  catchUp: string[] = [];
  deliver(event: AlertEvent, decision: Decision): void {
    this.delivered.push({ event, decision });
  }
  beginCatchUp(): void {
    this.catchUp.push('begin');
  }
  endCatchUp(): void {
    this.catchUp.push('end');
  }
}

function text(seq: number, id = `event-${seq}`): ServiceEvent {
  return { ...oneLineAgentEnvelope(seq, id), kind: 'text', body: 'Running late' };
}

/** The pipeline as openSession wires it: over the real store and the session's batches. */
function pipelineOver(
  store: Store,
  detectors: Detector[] = [],
  onStall?: (eventId: string) => void,
) {
  const delivery = new RecordingDeliveryFake();
  const batches = new EventBatches({ store, notifier: new RecordingNotifier() });
  const pipeline = new EventPipeline({
    events: store.events,
    batches,
    delivery,
    detectors,
    context: oneLineAgentContext,
    describe: (event) => ({ title: `A ${event.kind}`, body: event.id }),
    clock: createSystemClock(),
    logger: createRecordingLogger(),
    ...(onStall ? { onStall } : {}),
  });
  return { pipeline, delivery, batches };
}

describe('EventPipeline', () => {
  it('decides, records (advancing lastSeq), delivers and announces each event in order', () => {
    const { store } = temporaryStore();
    const { pipeline, delivery } = pipelineOver(store);
    const announced: string[] = [];
    pipeline.onDecision((item, decision) => {
      announced.push(item.eventId);
      expect(item.decision).toEqual(decision);
      expect(item.title).toBe('A text');
    });
    for (let seq = 1; seq <= 5; seq += 1) pipeline.process(text(seq));
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

  it('runs derived events through the same path, right after the event that caused them', () => {
    const { store } = temporaryStore();
    const derive: Detector = {
      observe: (event) =>
        event.id === 'event-2'
          ? [
              {
                id: 'local:high-sms:line-jordan:+14155550100:1',
                kind: 'highSms',
                occurredAt: event.occurredAt,
                lineId: 'line-jordan',
                from: '+14155550100',
                contactName: null,
                count: 16,
                windowSeconds: 30,
              },
            ]
          : [],
    };
    const { pipeline, delivery } = pipelineOver(store, [derive]);
    pipeline.process(text(1));
    pipeline.process(text(2));
    pipeline.process(text(3));
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual([
      'event-1',
      'event-2',
      'local:high-sms:line-jordan:+14155550100:1',
      'event-3',
    ]);
    expect(store.events.has('local:high-sms:line-jordan:+14155550100:1')).toBe(true);
  });

  it('queues an event raised while another is processed instead of nesting it', () => {
    const { store } = temporaryStore();
    let pipeline: EventPipeline | null = null;
    const raiseDuring: Detector = {
      observe(event) {
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
        return [];
      },
    };
    const built = pipelineOver(store, [raiseDuring]);
    pipeline = built.pipeline;
    pipeline.process(text(1));
    expect(built.delivery.delivered.map((entry) => entry.event.id)).toEqual([
      'event-1',
      'local:raised:event-1',
    ]);
  });

  it('holds the stream after a failed event until the replay', () => {
    const { store } = temporaryStore();
    let failuresLeft = 1;
    const failing: Detector = {
      observe(event) {
        if (event.id === 'event-2' && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('detector exploded');
        }
        return [];
      },
    };
    const stalls: string[] = [];
    const { pipeline, delivery } = pipelineOver(store, [failing], (eventId) =>
      stalls.push(eventId),
    );
    pipeline.process(text(1));
    pipeline.process(text(2));
    // Recording event 3 now would move lastSeq past the failed event 2: it is held back.
    pipeline.process(text(3));
    expect(stalls).toEqual(['event-2']);
    expect(store.events.has('event-2')).toBe(false);
    expect(store.events.lastSeq()).toBe(1);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1']);
    // The reconnect replays from lastSeq = 1.
    pipeline.resume();
    pipeline.process(text(2));
    pipeline.process(text(3));
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual([
      'event-1',
      'event-2',
      'event-3',
    ]);
    expect(store.events.lastSeq()).toBe(3);
  });

  it('records an event and what it derived all or nothing, inside a batch too', () => {
    const { store } = temporaryStore();
    // What event 2 derives cannot be recorded (an id SQLite cannot bind): event 2 must not be
    // recorded without it, or the replay would drop it as a duplicate and the derived alert
    // would be lost.
    const broken: Detector = {
      observe: (event) =>
        event.id === 'event-2'
          ? [
              {
                id: {} as string,
                kind: 'text',
                occurredAt: event.occurredAt,
                lineId: 'line-jordan',
                from: '+14155550100',
                contactName: null,
                body: 'Derived',
              },
            ]
          : [],
    };
    const stalls: string[] = [];
    const { pipeline, delivery, batches } = pipelineOver(store, [broken], (eventId) =>
      stalls.push(eventId),
    );
    // As the connection runs them: what arrived together is one batch.
    batches.run(() => {
      pipeline.process(text(1));
      pipeline.process(text(2));
      pipeline.process(text(3));
    });
    expect(stalls).toEqual(['event-2']);
    expect(store.events.has('event-1')).toBe(true);
    expect(store.events.has('event-2')).toBe(false);
    expect(store.events.has('event-3')).toBe(false);
    expect(store.events.lastSeq()).toBe(1);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1']);
  });

  it('gives up on a poison event after a few attempts so the stream moves on', () => {
    const { store } = temporaryStore();
    const poison: Detector = {
      observe(event) {
        if (event.id === 'event-2') throw new Error('always');
        return [];
      },
    };
    const { pipeline, delivery } = pipelineOver(store, [poison]);
    pipeline.process(text(1));
    for (let attempt = 0; attempt < 3; attempt += 1) {
      pipeline.resume();
      pipeline.process(text(2));
    }
    pipeline.process(text(3));
    expect(store.events.lastSeq()).toBe(3);
    expect(delivery.delivered.map((entry) => entry.event.id)).toEqual(['event-1', 'event-3']);
  });
});
