import {
  accountAlertTypes,
  channels,
  userAlertTypes,
  userChannelOn,
  type AlertType,
  type BusinessDefaults,
  type OverriddenEdit,
  type UserPreferences,
} from '../../../common';
import type { OutboxEntry, SettingsHistoryEntry } from '../store/repositories';
import { diffFields, mergeChanges, sameValue, valueAt, type FieldChanges } from './field-changes';
import type { ServerDocument } from './transport';

/**
 * The conflict rules of sync, as pure functions: documents and outbox entries in, outbox edits
 * and history rows out. No store, clock or network: `SyncLedger` applies what they return.
 */

export type DocumentName = OutboxEntry['document'];

export const conflictNote = 'Conflict: changed on another device too; the service’s value was kept';
export const narrowedNote =
  'Business defaults turned this off; your own setting is kept and applies again if they turn it back on';

/** The settings-history name of a field: business defaults fields carry their document's prefix. */
export function historyField(document: DocumentName, field: string): string {
  return document === 'businessDefaults' ? `businessDefaults.${field}` : field;
}

/** What becomes of one pending outbox entry. */
export type OutboxEdit =
  | { kind: 'remove'; id: number }
  /** Replace its changes and give it a fresh idempotency key (its attempts start again at 0). */
  | { kind: 'rekey'; id: number; changes: FieldChanges };

export interface Rebased {
  outbox: OutboxEdit[];
  /** Pending fields the service changed too (plain field → values): the service's value wins. */
  overridden: Map<string, { yours: unknown; theirs: unknown }>;
}

/**
 * Rebases pending entries (oldest first) from the merge base `base` onto `incoming`, field by
 * field: a value the service already has is dropped; a field the service changed since the base
 * takes the service's value and is reported; the rest stays pending. An entry whose content
 * changes, or that may already have been sent against the old base, gets a fresh key: the
 * service must never see one key with two different bodies.
 */
export function rebase(pending: readonly OutboxEntry[], base: unknown, incoming: unknown): Rebased {
  const outbox: OutboxEdit[] = [];
  const overridden: Rebased['overridden'] = new Map();
  for (const entry of pending) {
    const remaining: FieldChanges = {};
    for (const [field, yours] of Object.entries(entry.changes)) {
      const theirs = valueAt(incoming, field);
      if (sameValue(theirs, yours)) continue;
      if (sameValue(theirs, valueAt(base, field))) remaining[field] = yours;
      else overridden.set(field, { yours, theirs });
    }
    if (Object.keys(remaining).length === 0) outbox.push({ kind: 'remove', id: entry.id });
    else if (!sameValue(remaining, entry.changes) || entry.attempts > 0) {
      outbox.push({ kind: 'rekey', id: entry.id, changes: remaining });
    }
  }
  return { outbox, overridden };
}

export interface AdoptionInput<Document> {
  document: DocumentName;
  /** The cached server copy: the merge base of every pending entry (null before the first download). */
  base: ServerDocument<Document> | null;
  incoming: ServerDocument<Document>;
  /** The whole outbox, oldest first; only `document`'s entries are rebased. */
  pending: readonly OutboxEntry[];
  /** The user's local preferences: narrowing only notes what they had on. */
  preferences: UserPreferences | null;
  userId: string;
  /** The device whose edit the service pushed, when known. */
  fromDevice: string | null;
  /** Issue 14: an admin who changed this user's preferences (the push's `changedBy`). */
  actor?: { userId: string; name: string } | null;
  at: number;
}

export interface Adoption {
  outbox: OutboxEdit[];
  history: SettingsHistoryEntry[];
  /** The conflicts to report (the history rows noted `conflictNote`). */
  overridden: OverriddenEdit[];
}

/**
 * What adopting `incoming` as the new merge base does: null when it is not newer than the base
 * (nothing changes). Otherwise the rebased outbox (`rebase`), one history row per field the
 * service changed (a conflict names your value as the old one), a row for each overridden field
 * the diff did not name, and for business defaults the rows of `narrowed`.
 */
export function adopt<Document>(input: AdoptionInput<Document>): Adoption | null {
  const { document, base, incoming, at } = input;
  if (base && incoming.version <= base.version) return null;
  if (!base) return { outbox: [], history: [], overridden: [] };
  const pending = input.pending.filter((entry) => entry.document === document);
  const { outbox, overridden } = rebase(pending, base.document, incoming.document);
  const row = (
    field: string,
    oldValue: unknown,
    newValue: unknown,
    by: string,
    note: string | null,
  ) =>
    ({
      at,
      field: historyField(document, field),
      oldValue,
      newValue,
      by,
      deviceId: input.fromDevice,
      origin: 'server',
      note,
    }) satisfies SettingsHistoryEntry;
  const history: SettingsHistoryEntry[] = [];
  const changedBy = input.actor?.userId ?? (document === 'preferences' ? input.userId : 'business');
  const actorNote = input.actor ? `Changed by ${input.actor.name}` : null;
  for (const [field, theirs] of Object.entries(diffFields(base.document, incoming.document))) {
    const conflict = overridden.get(field);
    overridden.delete(field);
    history.push(
      conflict
        ? row(field, conflict.yours, theirs, changedBy, conflictNote)
        : row(field, valueAt(base.document, field), theirs, changedBy, actorNote),
    );
  }
  // Overridden at a path the diff names differently (a whole object or array edited).
  for (const [field, { yours, theirs }] of overridden) {
    history.push(row(field, yours, theirs, input.userId, conflictNote));
  }
  if (document === 'businessDefaults' && input.preferences) {
    // The document name says which type both copies are.
    const before = base.document as BusinessDefaults;
    const after = incoming.document as BusinessDefaults;
    history.push(...narrowed(input.preferences, before, after, at));
  }
  const reported = history
    .filter((entry) => entry.note === conflictNote)
    .map((entry) => ({ field: entry.field, yours: entry.oldValue, theirs: entry.newValue }));
  return { outbox, history, overridden: reported };
}

/**
 * History rows for what the user had on and new business defaults now turn off: alert types and
 * channels. The user's own switch is kept, so it applies again if the defaults turn back on.
 */
export function narrowed(
  preferences: UserPreferences,
  before: BusinessDefaults,
  after: BusinessDefaults,
  at: number,
): SettingsHistoryEntry[] {
  const turnedOff = (type: AlertType) => before.alerts[type].enabled && !after.alerts[type].enabled;
  const fields = [
    ...userAlertTypes
      .filter((type) => preferences.alerts[type] && turnedOff(type))
      .map((type) => `alerts.${type}`),
    ...accountAlertTypes
      .filter((type) => preferences.accountAlerts[type] && turnedOff(type))
      .map((type) => `accountAlerts.${type}`),
    ...channels
      .filter(
        (channel) =>
          userChannelOn(preferences.channels, channel) &&
          before.allowedChannels[channel] &&
          !after.allowedChannels[channel],
      )
      .map((channel) => `channels.${channel}`),
  ];
  return fields.map((field) => ({
    at,
    field,
    oldValue: true,
    newValue: false,
    by: 'business',
    deviceId: null,
    origin: 'server',
    note: narrowedNote,
  }));
}

/**
 * What to send next: the head of the outbox, with the run of never-sent entries of the same
 * document after it merged into one (one request, under a fresh key). An entry already sent
 * keeps its content and key: the service may have applied it, and its key must keep naming
 * exactly that request.
 */
export function nextSend(
  pending: readonly OutboxEntry[],
):
  | { kind: 'send'; entry: OutboxEntry }
  | { kind: 'merge'; ids: number[]; changes: FieldChanges }
  | null {
  const head = pending[0];
  if (!head) return null;
  if (head.attempts > 0) return { kind: 'send', entry: head };
  const run: OutboxEntry[] = [];
  for (const entry of pending) {
    if (entry.document !== head.document || entry.attempts > 0) break;
    run.push(entry);
  }
  if (run.length === 1) return { kind: 'send', entry: head };
  return {
    kind: 'merge',
    ids: run.map((entry) => entry.id),
    changes: mergeChanges(...run.map((entry) => entry.changes)),
  };
}
