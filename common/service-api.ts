import { z } from 'zod';
import { accountAlertTypes, channels } from './alert-types';
import { e164Schema, emailAddressSchema } from './contact-points';
import { eventBodies, eventKinds, pushedEventSchema, serviceOutcomeSchema } from './events';
import { lockRefusal, type SettingLock } from './locks';
import {
  businessDefaultsSchema,
  idSchema,
  isAdmin,
  roleSchema,
  userPreferencesSchema,
  type Role,
  type UserPreferences,
} from './preferences';
import {
  businessDefaultsDocumentSchema,
  businessDefaultsV1Schema,
  userPreferencesDocumentSchema,
  userPreferencesV1Schema,
} from './preferences-v1';

/**
 * The protocol between the companion and the telephony service: HTTP bodies and socket messages.
 * The stand-in service implements it, the companion speaks it, and service/README.md is checked
 * against it. Every schema here validates untrusted input at one of the two ends.
 */

// ---------- Identity ----------

export const lineSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(100),
  number: e164Schema,
  ringGroupId: idSchema.nullable(),
  ownerUserId: idSchema.nullable(),
});

export const ringGroupSchema = z.strictObject({ id: idSchema, name: z.string().min(1).max(100) });

export const teamMemberSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(200),
  role: roleSchema,
});

/** A person as the service describes them (in GET /api/me and in GET /api/team). */
export const serviceUserSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(200),
  email: emailAddressSchema.nullable(),
  role: roleSchema,
  backupPhone: e164Schema.nullable(),
  personalLineId: idSchema.nullable(),
});

/** GET /api/me: who the token belongs to, and the lines and ring groups they receive on. */
export const profileSchema = z.strictObject({
  user: serviceUserSchema,
  business: z.strictObject({ id: idSchema, name: z.string().min(1).max(200) }),
  lines: z.array(lineSchema),
  ringGroups: z.array(ringGroupSchema),
  team: z.array(teamMemberSchema),
});
export type Profile = z.infer<typeof profileSchema>;

// ---------- Preferences and business defaults (ETag / If-Match) ----------

/**
 * GET and PUT /api/preferences answer this; the ETag header is `"<version>"`. The document is
 * version 2 for a caller of protocol 3 or later (`protocolHeader`), version 1 for an older one;
 * this schema reads either, as version 2 (an older service's answer is upgraded).
 */
export const versionedPreferencesSchema = z.strictObject({
  version: z.int().min(1),
  preferences: userPreferencesDocumentSchema,
});
export type VersionedPreferences = z.infer<typeof versionedPreferencesSchema>;

/** GET and PUT /api/business-defaults answer this; the ETag header is `"<version>"`. */
export const versionedBusinessDefaultsSchema = z.strictObject({
  version: z.int().min(1),
  defaults: businessDefaultsDocumentSchema,
});
export type VersionedBusinessDefaults = z.infer<typeof versionedBusinessDefaultsSchema>;

/**
 * PUT bodies. Headers: `If-Match: "<version>"` (required), `Idempotency-Key` (optional). This
 * companion sends version 2; an older one sends version 1 (`…V1BodySchema`), which the service
 * tells apart by shape and upgrades over what it stores (`upgradeUserPreferences`).
 */
export const putPreferencesBodySchema = z.strictObject({ preferences: userPreferencesSchema });
export const putBusinessDefaultsBodySchema = z.strictObject({ defaults: businessDefaultsSchema });
export const putPreferencesV1BodySchema = z.strictObject({ preferences: userPreferencesV1Schema });
export const putBusinessDefaultsV1BodySchema = z.strictObject({
  defaults: businessDefaultsV1Schema,
});

/** Every refusal: HTTP status, a machine code and a sentence for people. */
export const apiErrorSchema = z.strictObject({
  error: z.enum([
    'unauthorized',
    'forbidden',
    'invalid',
    'notFound',
    'preconditionFailed',
    'preconditionRequired',
    'conflict',
    'rateLimited',
    'internal',
  ]),
  reason: z.string(),
  /** For `invalid`: each invalid field. */
  fields: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  /** For `preconditionFailed`: the version the document is at now (also in the ETag header). */
  current: z.int().min(1).optional(),
  /** For `rateLimited` (429): seconds until one more is allowed (also the Retry-After header). */
  retryAfterSeconds: z.int().min(1).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/**
 * The reasons the service gives for role refusals; the companion refuses the same edits locally
 * with the same words before they reach its outbox.
 */
export const roleRefusals = {
  accountAlertsNeedAdmin: 'Only admins can change account-level notifications',
  billingWarningsNeedBillingAdmin: 'Only billing admins can turn on billing warnings',
  businessDefaultsNeedAdmin: 'Only admins can change business defaults',
  injectionNeedsAdmin: 'Only admins can inject events',
} as const;

/**
 * Why a user of `role` may not turn `current` preferences into `next`, or null when they may:
 * role rules, then `locks` (`locks.ts`: a mandatory channel turned off). The service answers 403
 * with it and the companion refuses the edit locally with it, so the rule and its words cannot
 * drift apart.
 */
export function preferencesChangeRefusal(
  role: Role,
  current: UserPreferences,
  next: UserPreferences,
  locks: readonly SettingLock[],
): string | null {
  const accountAlertsChanged = accountAlertTypes.some(
    (type) => current.accountAlerts[type] !== next.accountAlerts[type],
  );
  if (accountAlertsChanged && !isAdmin(role)) return roleRefusals.accountAlertsNeedAdmin;
  if (
    role !== 'billingAdmin' &&
    !current.accountAlerts.billingWarning &&
    next.accountAlerts.billingWarning
  ) {
    return roleRefusals.billingWarningsNeedBillingAdmin;
  }
  return lockRefusal(locks, current, next);
}

/**
 * Who applied a change to someone's preferences, and when: an admin writing a member's
 * preferences (`PUT /api/members/:userId/preferences`). Carried by the member's
 * `preferencesChanged` push and by `GET /api/team`'s `lastChange`.
 */
export const changedBySchema = z.strictObject({
  userId: idSchema,
  name: z.string().min(1).max(200),
  at: z.iso.datetime({ offset: true }),
});
export type ChangedBy = z.infer<typeof changedBySchema>;

/**
 * A device's name as its owner reads it ("laptop", "jordan-desktop"; issue 14 §6): the OS
 * host name unless the shell was given another. Sent with each preferences write as
 * `X-Device-Name` (URI-encoded: a header carries ASCII only) and pushed to the owner's other
 * devices, which say "Do not disturb was turned on from laptop". Printable text, no control or
 * format characters, at most 64 characters.
 */
export const deviceNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'A device name is printable text');

/** The header that carries `deviceNameSchema`, URI-encoded. */
export const deviceNameHeader = 'x-device-name';

/**
 * On `GET /api/preferences`: the device (`X-Device-Id`) that wrote the version answered, when
 * the user wrote it themselves from a device that said its id; beside it `X-Device-Name` when
 * that device sent one. Headers, not body fields: an older companion's strict schema reads the
 * body it always did.
 */
export const writtenByDeviceHeader = 'x-written-by-device';

// ---------- Events ----------

/** POST /api/events: emit one event to one user (or every user with `userId: "*"`). */
export const injectEventBodySchema = z.strictObject({
  userId: z.union([idSchema, z.literal('*')]),
  /** When it happened; now when left out. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  /** The event's body: `kind` plus that kind's fields (see `eventBodies`). */
  event: z.looseObject({ kind: z.enum(eventKinds as [string, ...string[]]) }),
});
export const injectEventResultSchema = z.strictObject({
  events: z.array(z.strictObject({ id: idSchema, seq: z.int().positive(), userId: idSchema })),
});

/**
 * GET /api/events?afterSeq=N&limit=M: the caller's stored events after N, in order, each with
 * what the service did about it, and the data epoch they belong to.
 */
export const eventPageSchema = z.strictObject({
  events: z.array(pushedEventSchema),
  lastSeq: z.int().min(0),
  epoch: idSchema,
});

// ---------- Outbox (emails and texts the service "sent") ----------

export const outboxEntrySchema = z.strictObject({
  id: z.int().positive(),
  userId: idSchema,
  eventId: idSchema.nullable(),
  channel: z.enum(['email', 'text']),
  destination: z.string(),
  /** The sender identity: the business's notification email or phone, when set. */
  sender: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

/** GET /api/outbox?userId=&afterId=: entries after `afterId`, oldest first. */
export const outboxPageSchema = z.strictObject({
  entries: z.array(outboxEntrySchema),
  lastId: z.int().min(0),
});

// ---------- Presence ----------

/** POST /api/presence: the caller's own on-call state; an admin may name another `userId`. */
export const presenceBodySchema = z.strictObject({
  onCall: z.boolean(),
  userId: idSchema.optional(),
});
export const presenceResultSchema = z.strictObject({ userId: idSchema, onCall: z.boolean() });

// ---------- Exactly-once evidence ----------

/**
 * GET /api/debug/applied-changes?idempotencyKey=: every accepted PUT of preferences or business
 * defaults, so tests can assert that a change replayed with the same Idempotency-Key (even
 * across a kill -9 of either side) was applied exactly once.
 */
export const appliedChangesSchema = z.strictObject({
  changes: z.array(
    z.strictObject({
      id: z.int().positive(),
      userId: idSchema,
      target: z.enum(['preferences', 'businessDefaults']),
      version: z.int().min(1),
      idempotencyKey: z.string().nullable(),
      appliedAt: z.iso.datetime({ offset: true }),
      /** Who applied it (the owner, or an admin for a member); null for older changes. */
      actor: z.strictObject({ userId: idSchema, name: z.string() }).nullable(),
    }),
  ),
});
export type AppliedChanges = z.infer<typeof appliedChangesSchema>;

// ---------- Sample notifications ----------

/**
 * POST /api/test-notification. Rate-limited per user (`testNotificationLimits`): over a limit,
 * 429 `rateLimited` with the reason and `retryAfterSeconds` (and Retry-After). Only a test that
 * reached somewhere (a device, the outbox) counts.
 */
export const testNotificationLimits = {
  /** One test per channel per 10 s. */
  perChannel: { limit: 1, windowSeconds: 10 },
  /** 20 tests an hour across channels. */
  perHour: { limit: 20, windowSeconds: 3600 },
} as const;
export const testNotificationBodySchema = z.strictObject({ channel: z.enum(channels) });
export const testNotificationResultSchema = z.strictObject({
  channel: z.enum(channels),
  /** email/text: recorded in the outbox; desktop/inApp: pushed to the user's devices. */
  delivered: z.boolean(),
  destination: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TestNotificationResult = z.infer<typeof testNotificationResultSchema>;

// ---------- The service process ----------

/**
 * The one line `service/cli.ts --json` prints on stdout once it listens: where it is, its
 * database, and the token of every user. Whoever starts the service as a child process (the
 * headless and Electron demo, tests) waits for it (`main/core/connection/service-process.ts`).
 */
export const serviceStartedLineSchema = z.strictObject({
  url: z.url(),
  port: z.int().min(0).max(65_535),
  databasePath: z.string(),
  /** By user key ("jordan" → "demo-token-jordan"). */
  tokens: z.record(z.string(), z.string()),
});
export type ServiceStartedLine = z.infer<typeof serviceStartedLineSchema>;

// ---------- Socket ----------

/** Sent in the socket.io handshake `auth`. */
export const socketAuthSchema = z.strictObject({
  token: z.string().min(1).max(512),
  /** The last sequence number this device processed; the service replays everything after it. */
  afterSeq: z.int().min(0),
  deviceId: idSchema,
  /** The protocol the device speaks (`currentProtocol`); absent means 1. */
  protocol: z.int().min(1).max(1000).optional(),
  /**
   * The data epoch `afterSeq` belongs to (from the last `session` message), null when the
   * device has none yet. A different epoch than the service's means its data was reset: the
   * service replays from the start of its current epoch.
   */
  epoch: idSchema.nullable().optional(),
});
export type SocketAuth = z.infer<typeof socketAuthSchema>;

/** Why the service refused a socket (the `data` of socket.io's `connect_error`). */
export const socketRefusalSchema = z.strictObject({
  code: z.enum(['unauthorized', 'invalid']),
  reason: z.string(),
});

/** Server → client socket messages, by name. */
export const socketMessages = {
  /**
   * Protocol 2: the first message on every connection, before any replayed event. `epoch` is
   * the service's data epoch (a random id made with its database); `replayFrom` is the seq the
   * replay starts after; `reset` is true when the device's `epoch` was not this one, so the
   * replay starts from the beginning of this epoch (the device resets its `lastSeq` to
   * `replayFrom` and keeps what it has, dropping repeats by id).
   */
  session: z.strictObject({ epoch: idSchema, replayFrom: z.int().min(0), reset: z.boolean() }),
  /**
   * Protocol 3, after `session` (issue 15): the newest seq the replay goes up to, so the device
   * can say how far its catch-up has come ("Catching up: 40,000 of 100,000"). Seqs are per user
   * and, from this service, without gaps: `lastSeq - replayFrom` events follow.
   */
  replayStarted: z.strictObject({ lastSeq: z.int().min(0) }),
  /** One event; replayed ones come first, in order, then `replayDone`. */
  event: pushedEventSchema,
  /** The backlog after `afterSeq` has been sent: what follows is live. */
  replayDone: z.strictObject({ lastSeq: z.int().min(0), replayed: z.int().min(0) }),
  preferencesChanged: z.strictObject({
    version: z.int().min(1),
    /** Version 2 for protocol 3 devices, version 1 for older ones; read as version 2. */
    preferences: userPreferencesDocumentSchema,
    /** The device that made the change, so it can ignore its own echo. */
    deviceId: idSchema.nullable(),
    /**
     * Protocol 4, issue 14: set when someone else (an admin of the business) made the change,
     * so the member's window can say "Changed by Sam Rivera at 10:42".
     */
    changedBy: changedBySchema.optional(),
    /**
     * Protocol 4, issue 14: the name of the device that made the change, when it sent one (an
     * older companion does not): "…was turned on from laptop".
     */
    deviceName: deviceNameSchema.optional(),
  }),
  businessDefaultsChanged: versionedBusinessDefaultsSchema,
  /** Whether the user is on a call now (Fisher Mode). */
  presence: z.strictObject({ onCall: z.boolean() }),
  /** A sample desktop/in-app notification requested from another device or the settings. */
  testNotification: z.strictObject({ channel: z.enum(['desktop', 'inApp']), title: z.string() }),
  /**
   * Protocol 3: what the service did about an event already pushed has changed (a held email or
   * text went out in a digest). The whole new outcome; replays carry it from then on.
   */
  outcomeUpdated: z.strictObject({
    eventId: idSchema,
    seq: z.int().positive(),
    outcome: serviceOutcomeSchema,
  }),
} as const;
export type SocketMessageName = keyof typeof socketMessages;

export { eventBodies };
