import {
  digestProtocol,
  outcomeForProtocol,
  type OutboxEntry,
  type PushedEvent,
  type RecipientContext,
  type ServiceEvent,
  type SocketMessageName,
  type socketMessages,
} from '../common';
import type { z } from 'zod';
import type { Clock } from './clock';
import { Detection } from './detection';
import { EventRecorder, type EventBody, type RecordedEvent } from './event-recorder';
import { Outbound } from './outbound';
import type { ServiceStore, ServiceUser } from './store';

export type { EventBody } from './event-recorder';

/** The narrow view of a socket.io socket the hub needs (so the hub does not own the server). */
export interface DeviceConnection {
  readonly connected: boolean;
  emit(name: string, payload: unknown): unknown;
}

/** What a device said in its handshake about where it is and what it speaks. */
export interface DeviceHandshake {
  deviceId: string;
  /** The last seq it processed. */
  afterSeq: number;
  /** The protocol it speaks: 1 when it said none. */
  protocol: number;
  /** The data epoch `afterSeq` belongs to; null when it has none (or speaks protocol 1). */
  epoch: string | null;
}

/** One connected device of one user. */
interface Device {
  userId: string;
  deviceId: string;
  protocol: number;
  connection: DeviceConnection;
  /** The highest seq this device has been sent (or had when it connected). */
  cursor: number;
  /** False while the backlog is being replayed: live pushes wait for the replay to catch up. */
  live: boolean;
}

export type SocketPayload<Name extends SocketMessageName> = z.input<(typeof socketMessages)[Name]>;

/** Replayed events are read and sent in pages, yielding between pages so the server stays responsive. */
const replayPageSize = 500;

export interface EmitListener {
  (event: PushedEvent, outbox: readonly OutboxEntry[]): void;
}

/** Told the digests written when held emails and texts fall due. */
export interface DigestListener {
  (outbox: readonly OutboxEntry[]): void;
}

/**
 * An event as a device of `protocol` receives it: protocol 1 never sees `outcome`; protocol 2
 * sees held and digested deliveries as `notSent` and `sent` (`outcomeForProtocol`).
 */
function eventFor(protocol: number, event: PushedEvent): PushedEvent | ServiceEvent {
  if (protocol >= 2) {
    return event.outcome
      ? { ...event, outcome: outcomeForProtocol(event.outcome, protocol) }
      : event;
  }
  const { outcome, ...withoutOutcome } = event;
  void outcome;
  return withoutOutcome;
}

/**
 * Emits events: stores each one (with what the detectors derive from it, `EventRecorder`) and
 * pushes it to the user's live devices. Also replays backlogs, and raises what falls due.
 *
 * Why replay and live pushes never overlap nor leave a gap: every event is committed before it
 * is pushed, and a device is marked live in the same tick as the read that found no further
 * events. An event stored while a replay is under way is either found by a later replay page
 * (the device is not live yet, so the push skips it) or pushed live (the device is live, so no
 * replay page will read it); the per-device cursor drops anything at or below what was sent.
 */
export class EventHub {
  private readonly devices = new Map<string, Set<Device>>();
  private readonly listeners = new Set<EmitListener>();
  private readonly digestListeners = new Set<DigestListener>();
  private readonly recorder: EventRecorder;

  constructor(
    private readonly store: ServiceStore,
    clock: Clock,
    /**
     * Told every moment something waits for: a detector state (a reminder) or a held email or
     * text (a digest). The service's wake timer plans on it.
     */
    onWake: (at: number) => void = () => {},
  ) {
    this.recorder = new EventRecorder(
      store,
      clock,
      new Detection(store, onWake),
      new Outbound(store, onWake),
    );
  }

  /** The earliest moment something waits for (a reminder, a digest), or null. */
  nextWake(): number | null {
    const times = [this.store.nextDetectorWake(), this.store.nextHeldMessageDue()].filter(
      (time): time is number => time !== null,
    );
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Everything `decide` needs about this user at this instant. */
  contextFor(user: ServiceUser): RecipientContext {
    return this.recorder.contextFor(user);
  }

  /** Called after every emitted event, derived ones included (the CLI logs with it; tests wait on it). */
  onEmit(listener: EmitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Emits one event to one user: stores it under their next seq with its emails, texts and
   * outcome, then every alert the detectors derive from it, and pushes them to the user's live
   * devices. `body` must already be valid. Returns the event itself (not what it derived).
   */
  emit(user: ServiceUser, body: EventBody, occurredAt?: string): PushedEvent {
    const recorded = this.recorder.emit(user, body, occurredAt);
    this.deliver(recorded);
    const [first] = recorded;
    if (!first) throw new Error('An emitted event was not recorded');
    return first.event;
  }

  /** Told every digest written (the CLI logs with it; tests wait on it). */
  onDigest(listener: DigestListener): () => void {
    this.digestListeners.add(listener);
    return () => this.digestListeners.delete(listener);
  }

  /**
   * Stores and pushes every alert whose moment has come, then writes the digests that are due
   * and tells protocol-3 devices the outcomes that changed (the wake timer calls it). Returns
   * the alerts raised.
   */
  fireDue(): PushedEvent[] {
    const recorded = this.recorder.fireDue();
    this.deliver(recorded);
    const digests = this.recorder.sendDigests();
    for (const event of digests.updated) {
      if (!event.outcome) continue;
      for (const device of this.devices.get(event.userId) ?? []) {
        // A device not sent this event yet gets the new outcome with it (replay or push).
        if (device.protocol < digestProtocol || device.cursor < event.seq) continue;
        if (!device.connection.connected) continue;
        device.connection.emit('outcomeUpdated', {
          eventId: event.id,
          seq: event.seq,
          outcome: event.outcome,
        });
      }
    }
    if (digests.outbox.length > 0) {
      for (const listener of this.digestListeners) listener(digests.outbox);
    }
    return recorded.map((entry) => entry.event);
  }

  /** Pushes committed events to their users' live devices, then tells the listeners. */
  private deliver(recorded: readonly RecordedEvent[]): void {
    for (const { event } of recorded) {
      for (const device of this.devices.get(event.userId) ?? []) {
        if (device.live && event.seq > device.cursor && device.connection.connected) {
          device.cursor = event.seq;
          device.connection.emit('event', eventFor(device.protocol, event));
        }
      }
    }
    for (const { event, outbox } of recorded) {
      for (const listener of this.listeners) listener(event, outbox);
    }
  }

  /**
   * Registers a newly authenticated device and sends it, for protocol 2, `session` first; then
   * every stored event after where it stands, in order, then `replayDone`, then live events.
   * Where it stands: its `afterSeq`, or the user's newest seq when it claims one beyond it; for
   * a protocol-2 device whose epoch is not this database's, the start (`reset`).
   */
  async attach(
    userId: string,
    handshake: DeviceHandshake,
    connection: DeviceConnection,
  ): Promise<void> {
    const epoch = this.store.epoch();
    const reset = handshake.protocol >= 2 && handshake.epoch !== null && handshake.epoch !== epoch;
    const device: Device = {
      userId,
      deviceId: handshake.deviceId,
      protocol: handshake.protocol,
      connection,
      cursor: reset ? 0 : Math.min(handshake.afterSeq, this.store.lastSeq(userId)),
      live: false,
    };
    const set = this.devices.get(userId) ?? new Set<Device>();
    set.add(device);
    this.devices.set(userId, set);
    if (device.protocol >= 2) {
      connection.emit('session', { epoch, replayFrom: device.cursor, reset });
    }
    // How far the replay goes, for the device's progress (a protocol-3 companion from before
    // issue 15 logs it as an unknown message once and carries on).
    if (device.protocol >= 3) {
      connection.emit('replayStarted', { lastSeq: this.store.lastSeq(userId) });
    }
    let replayed = 0;
    for (;;) {
      if (!connection.connected) {
        // Gone before or during the replay: forget it here, whatever the caller does on close.
        this.detach(userId, connection);
        return;
      }
      const page = this.store.eventsAfter(userId, device.cursor, replayPageSize);
      for (const event of page) {
        connection.emit('event', eventFor(device.protocol, event));
        device.cursor = event.seq;
        replayed += 1;
      }
      if (page.length < replayPageSize) {
        // Same tick as the read that found nothing more: no event can slip in between.
        device.live = true;
        connection.emit('replayDone', { lastSeq: device.cursor, replayed });
        return;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  detach(userId: string, connection: DeviceConnection): void {
    const set = this.devices.get(userId);
    if (!set) return;
    for (const device of set) if (device.connection === connection) set.delete(device);
    if (set.size === 0) this.devices.delete(userId);
  }

  /**
   * Sends a socket message to every connected device of a user, except `exceptDeviceId`, and
   * returns how many devices it reached. `payload` may depend on the protocol each device
   * speaks (a settings document of the version it reads).
   */
  push<
    Name extends Exclude<
      SocketMessageName,
      'event' | 'replayDone' | 'session' | 'outcomeUpdated' | 'replayStarted'
    >,
  >(
    userId: string,
    name: Name,
    payload: SocketPayload<Name> | ((protocol: number) => SocketPayload<Name>),
    exceptDeviceId: string | null = null,
  ): number {
    let sent = 0;
    for (const device of this.devices.get(userId) ?? []) {
      if (device.deviceId === exceptDeviceId || !device.connection.connected) continue;
      device.connection.emit(
        name,
        typeof payload === 'function' ? payload(device.protocol) : payload,
      );
      sent += 1;
    }
    return sent;
  }

  /** The device ids connected for a user now. */
  connectedDevices(userId: string): string[] {
    return [...(this.devices.get(userId) ?? [])].map((device) => device.deviceId);
  }
}
