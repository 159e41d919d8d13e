import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  currentProtocol,
  type AlertEvent,
  type ConnectionState,
  type ServiceEvent,
} from '../../../common';
import { createSystemClock } from '../ports';
import type { BatchRunner } from '../event-batch';
import { backoffDelay, defaultBackoff } from './backoff';
import { ServiceConnection, type ConnectionMessage } from './service-connection';
import { createCondition, waitForValue } from '../../../test/support/wait-for';
import { createRecordingLogger } from '../../../test/support/recording-logger';
import { ManualClock } from '../../../test/support/manual-clock';
import { startProtocolServer, type ProtocolServer } from '../../../test/support/protocol-server';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const token = 'token-good';
/** No store in these tests: each batch of messages runs as it is, with no transaction. */
const unbatched: BatchRunner = { run: (work) => work(), afterCommit: (action) => action() };
const { defer } = cleanupAfterEach('ringside-test-');

function textEvent(id: string, body = 'hello'): AlertEvent {
  return {
    id,
    kind: 'text',
    occurredAt: '2026-11-20T10:00:00.000Z',
    lineId: 'line-1',
    from: '+14155550100',
    contactName: 'Ada',
    body,
  };
}

/** A connection whose "store" is an in-memory lastSeq advanced as events are processed. */
function connect(server: ProtocolServer, options: { token?: string } = {}) {
  const logger = createRecordingLogger();
  const received: ServiceEvent[] = [];
  const messages: ConnectionMessage[] = [];
  const states: ConnectionState[] = [];
  const condition = createCondition();
  let lastSeq = 0;
  const connection = new ServiceConnection({
    serviceUrl: server.url,
    token: options.token ?? token,
    deviceId: 'device-1',
    lastSeq: () => lastSeq,
    epoch: () => null,
    batches: unbatched,
    clock: createSystemClock(),
    logger,
    backoff: { initialMilliseconds: 5, maximumMilliseconds: 40 },
  });
  connection.state.subscribe((state) => {
    states.push(state);
    condition.signal();
  });
  connection.onMessage((message) => {
    messages.push(message);
    if (message.name === 'event') {
      received.push(message.value);
      lastSeq = Math.max(lastSeq, message.value.seq);
    }
    condition.signal();
  });
  defer(() => connection.stop());
  /** Starts, then waits until connected and the replay is done. */
  const started = async () => {
    connection.start();
    await waitForValue(connection.state, (state) => state.status === 'connected');
    await condition.until(
      () => messages.some((message) => message.name === 'replayDone'),
      'replayDone',
    );
  };
  return { connection, logger, received, messages, states, condition, started };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No port');
  return address.port;
}

describe('backoffDelay', () => {
  it('grows exponentially, stays under the cap, and jitters within its share', () => {
    const options = {
      initialMilliseconds: 100,
      maximumMilliseconds: 1_000,
      factor: 2,
      jitter: 0.5,
    };
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(2, options, () => 1)).toBe(200);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(20, options, () => 1)).toBe(1_000);
    expect(backoffDelay(20, options, () => 0)).toBe(500);
    for (let attempt = 1; attempt < 50; attempt += 1) {
      expect(backoffDelay(attempt, defaultBackoff)).toBeLessThanOrEqual(
        defaultBackoff.maximumMilliseconds,
      );
    }
  });
});

describe('ServiceConnection', () => {
  it('receives events in order, then replayDone, and resumes after the processed sequence', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    server.publish(textEvent('event-1'));
    server.publish(textEvent('event-2'));
    const client = connect(server);
    await client.started();
    for (let index = 3; index <= 10; index += 1) server.publish(textEvent(`event-${index}`));
    await client.condition.until(() => client.received.length === 10, '10 events');
    expect(client.received.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(client.messages.findIndex((message) => message.name === 'replayDone')).toBe(2);

    client.connection.dropLink();
    await waitForValue(client.connection.state, (state) => state.status === 'reconnecting');
    await waitForValue(client.connection.state, (state) => state.status === 'connected');
    expect(server.handshakes).toEqual([0, 10]);
    expect(client.received).toHaveLength(10);
  });

  it('a wrong token ends in `refused` with the reason, and is never retried', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    const client = connect(server, { token: 'token-wrong' });
    client.connection.start();
    const state = await waitForValue(
      client.connection.state,
      (value) => value.status === 'refused',
    );
    expect(state).toEqual({
      status: 'refused',
      reason: 'This sign-in has expired; sign in again',
    });
    // A retry would pass through `reconnecting` synchronously on the refusal; it never did.
    expect(client.states.map((value) => value.status)).toEqual(['connecting', 'refused']);
    // And starting again does not knock on the door either.
    client.connection.start();
    expect(client.connection.state.get().status).toBe('refused');
    expect(server.handshakes).toEqual([]);
  });

  it('counts down "reconnecting in N s" while the service is down, then connects when it appears', async () => {
    const port = await freePort();
    const logger = createRecordingLogger();
    const connection = new ServiceConnection({
      serviceUrl: `http://127.0.0.1:${port}`,
      token,
      deviceId: 'device-1',
      lastSeq: () => 0,
      epoch: () => null,
      batches: unbatched,
      clock: createSystemClock(),
      logger,
      backoff: { initialMilliseconds: 1_500, maximumMilliseconds: 1_500, jitter: 0 },
    });
    defer(() => connection.stop());
    connection.start();
    const reconnecting = await waitForValue(
      connection.state,
      (state) => state.status === 'reconnecting',
    );
    expect(reconnecting).toMatchObject({ status: 'reconnecting', inSeconds: 2, attempt: 1 });
    expect((reconnecting as { reason: string }).reason).toMatch(/Cannot reach the service/);
    await waitForValue(
      connection.state,
      (state) => state.status === 'reconnecting' && state.inSeconds === 1,
    );
    const server = await startProtocolServer({ tokens: [token], port });
    defer(() => server.close());
    await waitForValue(connection.state, (state) => state.status === 'connected');
    connection.pause('System asleep');
    expect(connection.state.get()).toMatchObject({ status: 'offline', reason: 'System asleep' });
  });

  it('resumes through repeated short drops with no event lost or repeated', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    const client = connect(server);
    client.connection.start();
    await waitForValue(client.connection.state, (state) => state.status === 'connected');
    let published = 0;
    for (let round = 0; round < 20; round += 1) {
      for (let index = 0; index < 5; index += 1) {
        published += 1;
        server.publish(textEvent(`event-${published}`));
      }
      const connects = client.connection.connects;
      server.dropClients();
      // Published while the client is away: delivered by the replay on the next handshake.
      published += 1;
      server.publish(textEvent(`event-${published}`));
      await client.condition.until(
        () =>
          client.connection.connects === connects + 1 &&
          client.connection.state.get().status === 'connected',
        `reconnect ${round + 1}`,
      );
    }
    await client.condition.until(() => client.received.length >= published, 'every event');
    expect(client.received.map((event) => event.seq)).toEqual(
      Array.from({ length: published }, (_, index) => index + 1),
    );
    expect(server.handshakes).toHaveLength(21);
    // Each handshake asked for exactly what had not been processed yet.
    expect(server.handshakes.every((afterSeq, index) => index === 0 || afterSeq > 0)).toBe(true);
  });

  it('keeps exactly one listener per message across 100 reconnects', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    const client = connect(server);
    client.connection.start();
    await waitForValue(client.connection.state, (state) => state.status === 'connected');
    for (let index = 0; index < 100; index += 1) {
      const connects = client.connection.connects;
      client.connection.dropLink();
      await client.condition.until(
        () =>
          client.connection.connects === connects + 1 &&
          client.connection.state.get().status === 'connected',
        `reconnect ${index + 1}`,
      );
    }
    expect(client.connection.connects).toBe(101);
    expect(Object.values(client.connection.listenerCounts())).toEqual(
      Object.values(client.connection.listenerCounts()).map(() => 1),
    );
    server.publish(textEvent('after-100'));
    await client.condition.until(() => client.received.length === 1, 'the event');
    server.publish(textEvent('after-100-b'));
    await client.condition.until(() => client.received.length === 2, 'the second event');
    expect(client.received.map((event) => event.id)).toEqual(['after-100', 'after-100-b']);
  });

  it('refuses hostile messages at the boundary: counted, logged, never passed on, no crash', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    const client = connect(server);
    await client.started();
    const valid = { ...textEvent('hostile-base'), seq: 1, userId: 'user-1' };
    const hostile: Array<[string, unknown]> = [
      ['event', { ...valid, seq: 'one' }],
      ['event', { ...valid, durationSeconds: 5 }],
      ['event', { ...valid, body: 'x'.repeat(1_000_000) }],
      ['event', { ...valid, contactName: 'y'.repeat(1_000_000) }],
      ['event', { ...valid, kind: 'teleport' }],
      ['event', JSON.parse(`{"__proto__": {"polluted": true}, "id": "p1", "kind": "text"}`)],
      ['event', JSON.parse(JSON.stringify({ ...valid, constructor: { prototype: { x: 1 } } }))],
      ['event', { ...valid, from: '\u202E+14155550100' }],
      ['event', { ...valid, id: 'evil\u0000id\u202E' }],
      ['event', null],
      ['event', 'a string'],
      ['event', [valid]],
      ['replayDone', { lastSeq: -1, replayed: 0 }],
      ['presence', { onCall: 'yes' }],
      ['preferencesChanged', { version: 0 }],
      ['selfDestruct', { now: true }],
    ];
    for (const [name, payload] of hostile) server.emitRaw(name, payload);
    server.publish(textEvent('after-hostile'));
    await client.condition.until(() => client.received.length === 1, 'the valid event');
    expect(client.connection.invalid.get()).toBe(hostile.length);
    expect(client.received.map((event) => event.id)).toEqual(['after-hostile']);
    expect(client.messages.filter((message) => message.name !== 'replayDone')).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const warnings = client.logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(hostile.length);
    for (const warning of warnings) {
      expect(String(warning.fields?.reason).length).toBeLessThanOrEqual(300);
    }
    expect(warnings.at(-1)?.fields).toMatchObject({ name: 'selfDestruct' });
    expect(client.connection.state.get().status).toBe('connected');
  });

  it('speaks the current protocol: the handshake carries it and the stored epoch', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    const client = connect(server);
    client.connection.start();
    await waitForValue(client.connection.state, (state) => state.status === 'connected');
    expect(server.auths).toEqual([
      { token, afterSeq: 0, deviceId: 'device-1', protocol: currentProtocol, epoch: null },
    ]);
  });

  it('holds a batch a failed write rolled back and tries it again, link up, until it goes through', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    server.publish(textEvent('event-1'));
    const clock = new ManualClock(Date.now());
    let lastSeq = 0;
    let failuresLeft = 2;
    const attempts: string[][] = [];
    const handled = createCondition();
    const connection = new ServiceConnection({
      serviceUrl: server.url,
      token,
      deviceId: 'device-1',
      lastSeq: () => lastSeq,
      epoch: () => null,
      // A store in miniature whose disk is full twice: the cursor rolls back with the batch.
      batches: {
        run<Result>(work: () => Result): Result {
          const before = lastSeq;
          const result = work();
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            lastSeq = before;
            // Checked once the queue has taken the failure in.
            queueMicrotask(() => handled.signal());
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          }
          return result;
        },
        afterCommit: (action) => action(),
      },
      clock,
      logger: createRecordingLogger(),
    });
    connection.onMessage((message) => {
      if (message.name !== 'event') return;
      attempts.at(-1)?.push(message.value.id);
      lastSeq = Math.max(lastSeq, message.value.seq);
      handled.signal();
    });
    defer(() => connection.stop());
    connection.start();
    attempts.push([]);
    await handled.until(() => connection.holding, 'the first batch held');
    attempts.push([]);
    clock.advance(1_000);
    await handled.until(() => failuresLeft === 0 && connection.holding, 'the second attempt held');
    attempts.push([]);
    // The wait doubles: 1 s, then 2 s.
    clock.advance(1_999);
    expect(attempts.at(-1)).toEqual([]);
    clock.advance(1);
    await handled.until(() => lastSeq === 1, 'the event through');
    expect(attempts).toEqual([['event-1'], ['event-1'], ['event-1']]);
    // Never dropped: the link stayed up the whole time.
    expect(server.handshakes).toEqual([0]);
    expect(connection.holding).toBe(false);
  });

  it('runs each batch through its runner; a failed batch drops the link and asks again from lastSeq', async () => {
    const server = await startProtocolServer({ tokens: [token] });
    defer(() => server.close());
    server.publish(textEvent('event-1'));
    const logger = createRecordingLogger();
    let lastSeq = 0;
    let failuresLeft = 1;
    const connection = new ServiceConnection({
      serviceUrl: server.url,
      token,
      deviceId: 'device-1',
      lastSeq: () => lastSeq,
      epoch: () => null,
      // A store in miniature: the cursor moves inside the batch and rolls back when it fails.
      batches: {
        run<Result>(work: () => Result): Result {
          const before = lastSeq;
          const result = work();
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            lastSeq = before;
            throw new Error('The commit failed');
          }
          return result;
        },
        afterCommit: (action) => action(),
      },
      clock: createSystemClock(),
      logger,
      backoff: { initialMilliseconds: 5, maximumMilliseconds: 40 },
    });
    connection.onMessage((message) => {
      if (message.name === 'event') lastSeq = Math.max(lastSeq, message.value.seq);
    });
    defer(() => connection.stop());
    connection.start();
    await waitForValue(connection.state, (state) => state.status === 'reconnecting');
    await waitForValue(connection.state, (state) => state.status === 'connected');
    // The second handshake asks for everything after the cursor that rolled back.
    expect(server.handshakes).toEqual([0, 0]);
    expect(logger.lines.map((line) => line.message)).toContain(
      'A batch of messages failed; reconnecting to replay it',
    );
  });
});
