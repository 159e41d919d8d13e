import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  recipientContext,
  type AlertEvent,
  type EventOfKind,
  type RecipientContext,
  type UserPreferences,
} from '../../common';
import { EventBatches } from '../../main/core/event-batch';
import { createEventDescriber, DeliveryEngine } from '../../main/core/delivery';
import type { Clock } from '../../main/core/ports';
import { openStore, type Store } from '../../main/core/store';
import { createRecordingLogger } from './recording-logger';
import { RecordingNotifier } from './recording-notifier';

/**
 * Events and contexts for the delivery tests and bench: a support line, a personal line, a few
 * contacts.
 */

export const supportLine = {
  id: 'line-support',
  name: 'Support Line',
  number: '+14155550100',
  ringGroupId: 'group-support',
  ownerUserId: null,
};
export const personalLine = {
  id: 'line-ann',
  name: 'Direct',
  number: '+14155550101',
  ringGroupId: null,
  ownerUserId: 'user-agent',
};

export const lineName = (lineId: string): string | null =>
  [supportLine, personalLine].find((line) => line.id === lineId)?.name ?? null;

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${++sequence}`;

export function textEvent(
  clock: Clock,
  fields: Partial<EventOfKind<'text'>> = {},
): EventOfKind<'text'> {
  return {
    kind: 'text',
    id: nextId('text'),
    occurredAt: new Date(clock.now()).toISOString(),
    lineId: supportLine.id,
    from: '+14155552671',
    contactName: 'Ann Lee',
    body: 'Hello',
    ...fields,
  };
}

export function callEvent(
  clock: Clock,
  fields: Partial<EventOfKind<'call'>> = {},
): EventOfKind<'call'> {
  return {
    kind: 'call',
    id: nextId('call'),
    occurredAt: new Date(clock.now()).toISOString(),
    lineId: supportLine.id,
    from: '+14155552671',
    contactName: 'Ann Lee',
    callId: nextId('callid'),
    state: 'ringing',
    ...fields,
  };
}

export function appointmentEvent(
  clock: Clock,
  kind: 'appointmentCreated' | 'appointmentUpdated' | 'appointmentAssigned',
  appointment: { id: string; title?: string; startsAt: number; endsAt?: number },
): AlertEvent {
  return {
    kind,
    id: nextId(kind),
    occurredAt: new Date(clock.now()).toISOString(),
    appointment: {
      id: appointment.id,
      title: appointment.title ?? `Meeting ${appointment.id}`,
      startsAt: new Date(appointment.startsAt).toISOString(),
      endsAt: new Date(appointment.endsAt ?? appointment.startsAt + 30 * 60_000).toISOString(),
      contactName: null,
    },
  };
}

/** A member of the support ring group with their personal line; preferences adjustable. */
export function agentContext(
  clock: Clock,
  preferences: UserPreferences = defaultUserPreferences('America/New_York'),
): RecipientContext {
  return recipientContext({
    user: {
      id: 'user-agent',
      role: 'agent',
      email: 'agent@example.com',
      backupPhone: null,
      personalLineId: personalLine.id,
    },
    lines: [supportLine, personalLine],
    ringGroups: [{ id: 'group-support', name: 'Support' }],
    onCall: false,
    preferences: {
      ...preferences,
      lines: { personalLine: true, otherLineIds: [supportLine.id] },
    },
    business: defaultBusinessDefaults(),
    now: clock.now(),
  });
}

/** A SQLite store on disk in a temp folder, reopenable (a restart) and removed at the end. */
export function temporaryStore(): {
  store: Store;
  reopen(): Store;
  remove(): void;
} {
  const folder = mkdtempSync(join(tmpdir(), 'ringside-delivery-'));
  const path = join(folder, 'ringside.sqlite');
  const handle = {
    store: openStore(path),
    reopen() {
      handle.store.close();
      handle.store = openStore(path);
      return handle.store;
    },
    remove() {
      try {
        handle.store.close();
      } catch {
        // Already closed.
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * A delivery engine over `store` as openSession wires it (its pop-ups through the event batches'
 * notifier, which holds them until their batch committed), a recording notifier at the edge.
 */
export function engineOver(store: Store, clock: Clock) {
  const notifier = new RecordingNotifier();
  const logger = createRecordingLogger();
  const batches = new EventBatches({ store, notifier, logger });
  const engine = new DeliveryEngine({
    clock,
    notifier: batches.notifier,
    logger,
    notifications: store.notifications,
    events: store.events,
    describer: createEventDescriber({ lineName, timeZone: () => 'America/New_York' }),
    batches,
  });
  return { engine, notifier, logger, batches };
}
