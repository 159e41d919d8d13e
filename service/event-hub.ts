import { randomUUID } from 'node:crypto';
import {
  decide,
  recipientContext,
  serviceEventSchema,
  type EventKind,
  type OutboxEntry,
  type RecipientContext,
  type ServiceEvent,
  type SocketMessageName,
  type socketMessages,
} from '../common';
import type { z } from 'zod';
import { describeEvent } from './describe';
import type { ServiceStore, ServiceUser } from './store';

/** An event body as injected: its kind plus that kind's fields, already validated. */
export type EventBody = { kind: EventKind } & Record<string, unknown>;

/** The narrow view of a socket.io socket the hub needs (so the hub does not own the server). */
export interface DeviceConnection {
  readonly connected: boolean;
  emit(name: string, payload: unknown): unknown;
}

/** One connected device of one user. */
interface Device {
  userId: string;
  deviceId: string;
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
  (event: ServiceEvent, outbox: readonly OutboxEntry[]): void;
}

/**
 * Emits events: gives each one an id and the user's next seq, stores it, records the emails and
 * texts the policy decides, and pushes it to the user's live devices. Also replays backlogs.
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

  constructor(
    private readonly store: ServiceStore,
    private readonly now: () => number,
  ) {}

  /** Everything `decide` needs about this user at this instant. */
  contextFor(user: ServiceUser): RecipientContext {
    return recipientContext({
      user,
      lines: this.store.linesOf(user),
      ringGroups: this.store.ringGroupsOf(user.id),
      onCall: user.onCall,
      preferences: this.store.preferences(user.id).document,
      business: this.store.businessDefaults(user.businessId).document,
      now: this.now(),
    });
  }

  /** Called after every emitted event (the CLI logs with it; tests may wait on it). */
  onEmit(listener: EmitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Emits one event to one user: stores it under their next seq, records the outbox rows the
   * policy decides, and pushes it to their live devices. `body` must already be valid.
   */
  emit(user: ServiceUser, body: EventBody, occurredAt?: string): ServiceEvent {
    const context = this.contextFor(user);
    const { event, outbox } = this.store.transaction(() => {
      const candidate = {
        ...body,
        id: `ev-${randomUUID()}`,
        occurredAt: occurredAt ?? new Date(context.now).toISOString(),
        userId: user.id,
        seq: this.store.lastSeq(user.id) + 1,
      };
      // The body was validated by kind; this checks the envelope and keeps the store honest.
      const stored = serviceEventSchema.parse(candidate);
      this.store.appendEvent(stored);
      return { event: stored, outbox: this.recordOutbox(stored, context) };
    });
    for (const device of this.devices.get(user.id) ?? []) {
      if (device.live && event.seq > device.cursor && device.connection.connected) {
        device.cursor = event.seq;
        device.connection.emit('event', event);
      }
    }
    for (const listener of this.listeners) listener(event, outbox);
    return event;
  }

  /** The emails and texts `decide` sends for this event, written to the outbox. */
  private recordOutbox(event: ServiceEvent, context: RecipientContext): OutboxEntry[] {
    const { seq, userId, ...alertEvent } = event;
    void seq;
    void userId;
    const decision = decide(alertEvent, context);
    const entries: OutboxEntry[] = [];
    for (const delivery of decision.deliveries) {
      if (delivery.channel !== 'email' && delivery.channel !== 'text') continue;
      if (delivery.destination === null) continue;
      const message = describeEvent(alertEvent, context.lines);
      entries.push(
        this.store.appendOutbox({
          userId: context.userId,
          eventId: event.id,
          channel: delivery.channel,
          destination: delivery.destination,
          sender:
            delivery.channel === 'email'
              ? context.business.notificationEmail
              : context.business.notificationPhone,
          subject: delivery.channel === 'email' ? message.subject : null,
          body: delivery.channel === 'email' ? message.body : `${message.subject}. ${message.body}`,
          createdAt: new Date(context.now).toISOString(),
        }),
      );
    }
    return entries;
  }

  /**
   * Registers a newly authenticated device and sends it every stored event after `afterSeq`,
   * in order, then `replayDone`, then live events. A device that claims a seq beyond the
   * user's newest (the service's data was reset) is replayed from the newest.
   */
  async attach(
    userId: string,
    deviceId: string,
    connection: DeviceConnection,
    afterSeq: number,
  ): Promise<void> {
    const device: Device = {
      userId,
      deviceId,
      connection,
      cursor: Math.min(afterSeq, this.store.lastSeq(userId)),
      live: false,
    };
    const set = this.devices.get(userId) ?? new Set<Device>();
    set.add(device);
    this.devices.set(userId, set);
    let replayed = 0;
    for (;;) {
      if (!connection.connected) {
        // Gone before or during the replay: forget it here, whatever the caller does on close.
        this.detach(userId, connection);
        return;
      }
      const page = this.store.eventsAfter(userId, device.cursor, replayPageSize);
      for (const event of page) {
        connection.emit('event', event);
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
   * returns how many devices it reached.
   */
  push<Name extends Exclude<SocketMessageName, 'event' | 'replayDone'>>(
    userId: string,
    name: Name,
    payload: SocketPayload<Name>,
    exceptDeviceId: string | null = null,
  ): number {
    let sent = 0;
    for (const device of this.devices.get(userId) ?? []) {
      if (device.deviceId === exceptDeviceId || !device.connection.connected) continue;
      device.connection.emit(name, payload);
      sent += 1;
    }
    return sent;
  }

  /** The device ids connected for a user now. */
  connectedDevices(userId: string): string[] {
    return [...(this.devices.get(userId) ?? [])].map((device) => device.deviceId);
  }
}
