import { z } from 'zod';
import { alertTypes, channels } from './alert-types';
import { channelReportSchema } from './delivery-report';
import { eventKinds } from './events';
import { lockSources } from './locks';
import { reasonCodes } from './policy/context';

/**
 * Values the core exposes to every shell (tray, settings window, headless printer): each one
 * observable, each with a schema so it can cross IPC and be checked in tests.
 */

export const connectionStateSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('connecting') }),
  z.strictObject({ status: z.literal('connected'), since: z.number() }),
  z.strictObject({
    status: z.literal('reconnecting'),
    /** Seconds until the next attempt. */
    inSeconds: z.number().min(0),
    attempt: z.int().min(1),
    reason: z.string(),
  }),
  z.strictObject({ status: z.literal('offline'), since: z.number(), reason: z.string() }),
  /** The service said no (bad token): no retry loop against a refusal. */
  z.strictObject({ status: z.literal('refused'), reason: z.string() }),
]);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const overriddenEditSchema = z.strictObject({
  /** Dotted path of the field: "channels.email.address". */
  field: z.string(),
  yours: z.unknown(),
  theirs: z.unknown(),
});
export type OverriddenEdit = z.infer<typeof overriddenEditSchema>;

export const syncStatusSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('synced'), at: z.number().nullable() }),
  z.strictObject({ status: z.literal('pending'), count: z.int().min(1) }),
  z.strictObject({ status: z.literal('offline'), since: z.number(), count: z.int().min(0) }),
  z.strictObject({
    status: z.literal('conflictResolved'),
    overridden: z.array(overriddenEditSchema),
    at: z.number(),
  }),
  z.strictObject({ status: z.literal('error'), reason: z.string(), count: z.int().min(0) }),
]);
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const suppressionSchema = z.strictObject({
  channel: z.enum(channels),
  code: z.enum(reasonCodes),
  explanation: z.string(),
});

export const decisionSchema = z.strictObject({
  eventId: z.string(),
  alertType: z.enum(alertTypes).nullable(),
  lineId: z.string().nullable(),
  deliveries: z.array(
    z.strictObject({
      channel: z.enum(channels),
      destination: z.string().nullable(),
      /** A mandatory channel: delivered whatever the user's own switches say. */
      lock: z.strictObject({ source: z.enum(lockSources), reason: z.string() }).optional(),
    }),
  ),
  suppressed: z.array(suppressionSchema),
});

/**
 * One row of the Activity list: an event, what it said, what the policy decided, and what
 * happened on each channel (`channels`, from records: the companion's pop-up and in-app list,
 * the service's outcome for email and SMS; see common/delivery-report.ts).
 */
export const activityItemSchema = z.strictObject({
  eventId: z.string(),
  kind: z.enum(eventKinds as [string, ...string[]]),
  title: z.string(),
  body: z.string(),
  occurredAt: z.string(),
  decidedAt: z.number(),
  decision: decisionSchema,
  channels: z.array(channelReportSchema),
});
export type ActivityItem = z.infer<typeof activityItemSchema>;

/** One item of the in-app notification list. */
export const inAppNotificationSchema = z.strictObject({
  id: z.string(),
  eventId: z.string(),
  title: z.string(),
  body: z.string(),
  createdAt: z.number(),
  read: z.boolean(),
  /** Why it did not pop up (muted, quiet hours…), when it did not. */
  quietReason: z.string().nullable(),
  /**
   * The event's kind ("call", "text"…), for the list's type filter: the core stores it with the
   * item (store migration 7). Absent from an item with no event (a health notice) and from one
   * listed before version 7 whose event record had already been pruned.
   */
  kind: z.enum(eventKinds as [string, ...string[]]).optional(),
  /**
   * A call's life, as the item last heard it: ringing, then answered (by whom) or missed. Set by
   * the call-state events (issue 12); the window renders whatever state the item carries.
   */
  call: z
    .strictObject({
      state: z.enum(['ringing', 'answered', 'missed']),
      answeredBy: z.string().max(200).nullable(),
    })
    .optional(),
  /** The alerts this item stands for when several were grouped into one (a burst of texts). */
  grouped: z
    .array(z.strictObject({ title: z.string(), body: z.string(), createdAt: z.number() }))
    .max(100)
    .optional(),
});
export type InAppNotification = z.infer<typeof inAppNotificationSchema>;

/**
 * A health line the user should see once (no notification daemon, for example).
 * `tokenStorage`: the desktop shell cannot keep the sign-in token encrypted with the OS
 * keychain, or cannot read the one it kept. `diskFull`, `storageError`, `storageLocked`: alerts
 * cannot be written and are held (one notice per cause, gone once a write succeeds).
 * `serviceReset`: the service's data was reset and its alerts are fetched again.
 * `storeRecovered`: the local database was damaged, set aside and replaced by a fresh one filled
 * from the service (for the whole session). `profileInUse`: another process holds this profile's
 * database, so the companion cannot open it (until it lets go).
 * `policyInvalid`: the managed policy file is invalid (the field named) and none of it applies;
 * `managedPolicy`: what a valid one sets (locked settings, launch at login, updates).
 */
export const healthNoticeSchema = z.strictObject({
  code: z.enum([
    'notifierUnavailable',
    'popupFailures',
    'tokenStorage',
    'diskFull',
    'storageError',
    'storageLocked',
    'serviceReset',
    'storeRecovered',
    'profileInUse',
    'policyInvalid',
    'managedPolicy',
  ]),
  message: z.string(),
});
export type HealthNotice = z.infer<typeof healthNoticeSchema>;

/**
 * How far a catch-up (the replay of what was missed while offline) has come: `done` of `total`
 * events. Null (as the companion's `catchUp` value) when no catch-up is running.
 */
export const catchUpProgressSchema = z.strictObject({
  done: z.int().min(0),
  total: z.int().min(0),
});
export type CatchUpProgress = z.infer<typeof catchUpProgressSchema>;

/** "Catching up: 40,000 of 100,000": the same words in the window and the headless companion. */
export function describeCatchUp(progress: CatchUpProgress): string {
  const count = (value: number) => value.toLocaleString('en-US');
  return `Catching up: ${count(Math.min(progress.done, progress.total))} of ${count(progress.total)}`;
}
