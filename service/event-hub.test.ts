import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceEventSchema } from '../common';
import { openServiceDatabase, type ServiceDatabase } from './database';
import { systemClock } from './clock';
import { EventHub, type DeviceConnection } from './event-hub';
import { seedDemo } from './seed';
import { createServiceStore, type ServiceStore, type ServiceUser } from './store';

/** A fake socket: records what the hub sends and lets a test act at an exact message. */
class FakeConnection implements DeviceConnection {
  connected = true;
  readonly sent: Array<{ name: string; payload: unknown }> = [];
  constructor(private readonly onSend: (name: string, payload: unknown) => void = () => {}) {}
  emit(name: string, payload: unknown): boolean {
    this.sent.push({ name, payload });
    this.onSend(name, payload);
    return true;
  }
  seqs(): number[] {
    return this.sent
      .filter((message) => message.name === 'event')
      .map((message) => serviceEventSchema.parse(message.payload).seq);
  }
}

let folder: string;
let database: ServiceDatabase;
let store: ServiceStore;
let hub: EventHub;
let jordan: ServiceUser;
/** A protocol-1 device, as every device was before data epochs. */
const handshake = (afterSeq: number) => ({
  deviceId: 'device-fake',
  afterSeq,
  protocol: 1,
  epoch: null,
});
const mention = { kind: 'mention' as const, byName: 'Alex', conversation: 'Desk', excerpt: 'hi' };

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'service-hub-'));
  database = openServiceDatabase(join(folder, 'service.sqlite'));
  store = createServiceStore(database);
  seedDemo(store, Date.now());
  hub = new EventHub(store, systemClock());
  const user = store.user('user-jordan');
  if (!user) throw new Error('The demo seed has no Jordan');
  jordan = user;
});

afterEach(() => {
  database.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('replay racing live events', () => {
  it('delivers events stored mid-page, between pages and right after replayDone exactly once, in order', async () => {
    for (let index = 0; index < 1_200; index += 1) hub.emit(jordan, mention);
    let phase: 'replay' | 'live' = 'replay';
    const connection = new FakeConnection((name, payload) => {
      if (name === 'replayDone') {
        phase = 'live';
        // Right after the replay: must arrive live, once.
        queueMicrotask(() => hub.emit(jordan, mention));
        return;
      }
      const seq = serviceEventSchema.parse(payload).seq;
      // In the middle of a page: stored while the device is not live, so a later page has it.
      if (phase === 'replay' && seq === 300) hub.emit(jordan, mention);
      // At the end of a page: stored while the hub yields between pages.
      if (phase === 'replay' && seq === 1_050) setImmediate(() => hub.emit(jordan, mention));
    });
    await hub.attach(jordan.id, handshake(50), connection);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(connection.seqs()).toEqual(Array.from({ length: 1_203 - 50 }, (_, index) => 51 + index));
    const done = connection.sent.findIndex((message) => message.name === 'replayDone');
    expect(connection.sent[done]?.payload).toEqual({ lastSeq: 1_202, replayed: 1_152 });
    expect(connection.sent.slice(done + 1).map((message) => message.name)).toEqual(['event']);
  });

  it('replays from the newest seq when a device claims one beyond it', async () => {
    hub.emit(jordan, mention);
    const connection = new FakeConnection();
    await hub.attach(jordan.id, handshake(99), connection);
    hub.emit(jordan, mention);
    expect(connection.sent).toEqual([
      { name: 'replayDone', payload: { lastSeq: 1, replayed: 0 } },
      { name: 'event', payload: expect.objectContaining({ seq: 2 }) as unknown },
    ]);
  });

  it('stops a replay between pages when the device drops, and forgets it', async () => {
    for (let index = 0; index < 1_200; index += 1) hub.emit(jordan, mention);
    const connection = new FakeConnection((_name, payload) => {
      if (serviceEventSchema.parse(payload).seq === 500) connection.connected = false;
    });
    await hub.attach(jordan.id, handshake(0), connection);
    expect(connection.seqs()).toHaveLength(500);
    expect(connection.sent.map((message) => message.name)).not.toContain('replayDone');
    expect(hub.connectedDevices(jordan.id)).toEqual([]);
  });

  it('stops replaying to a device that disconnected, and forgets it', async () => {
    for (let index = 0; index < 3; index += 1) hub.emit(jordan, mention);
    const connection = new FakeConnection();
    connection.connected = false;
    await hub.attach(jordan.id, handshake(0), connection);
    expect(connection.sent).toEqual([]);
    expect(hub.connectedDevices(jordan.id)).toEqual([]);
    // A live push finds no device to skip or send to.
    expect(hub.push(jordan.id, 'presence', { onCall: true })).toBe(0);
  });
});
