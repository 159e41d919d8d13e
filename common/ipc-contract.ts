import { z } from 'zod';
import { alertTypes, channels } from './alert-types';
import type { SettingLock } from './locks';
import type { Diagnosis } from './policy/context';
import {
  businessDefaultsSchema,
  idSchema,
  isoInstantSchema,
  userPreferencesSchema,
  type BusinessDefaults,
  type UserPreferences,
} from './preferences';
import type { ChangedBy, Profile, TestNotificationResult } from './service-api';
import type { Team } from './team-api';
import type {
  ActivityItem,
  CatchUpProgress,
  ConnectionState,
  HealthNotice,
  InAppNotification,
  SyncStatus,
} from './status';

/**
 * The one IPC contract between the settings window and the main process (Zulip's typed-ipc):
 * a map of invoke calls (argument schema + result type), renderer→main messages, and
 * main→renderer events. Main registers every handler through one wrapper that checks the sender
 * and validates arguments with these schemas; preload exposes one named method per entry.
 */

/** Every invoke answers this: a value, or a clear error the window can show next to the control. */
export type IpcResponse<Value> =
  | { ok: true; value: Value }
  | {
      ok: false;
      error: { code: IpcErrorCode; message: string; fields?: { path: string; message: string }[] };
    };

export type IpcErrorCode =
  'invalidArguments' | 'forbidden' | 'notFound' | 'unavailable' | 'internal';

/**
 * How long a mute or do-not-disturb lasts; the tray and the window offer the same choices, with
 * the same words (`common/mute-durations.ts`).
 */
export const muteDurationSchema = z.enum([
  'oneHour',
  'untilTomorrowMorning',
  'untilUnmuted',
  'thirtyMinutes',
  'twoHours',
]);
export type MuteDuration = z.infer<typeof muteDurationSchema>;

/**
 * Do-not-disturb on for a duration (null: off), or until a chosen instant. The instant must be
 * ahead and within a week (`chosenUntilRefusal`), checked by the core against its own clock.
 */
export const doNotDisturbArgsSchema = z.union([
  z.strictObject({ duration: muteDurationSchema.nullable() }),
  z.strictObject({ until: isoInstantSchema }),
]);
export type DoNotDisturbArgs = z.infer<typeof doNotDisturbArgsSchema>;

/** Everything the settings window shows about preferences, in one snapshot. */
export interface PreferencesSnapshot {
  /** What this user has chosen (local, possibly not yet synced). */
  preferences: UserPreferences;
  business: BusinessDefaults;
  /** Server versions the local copy is based on. */
  preferencesVersion: number;
  businessVersion: number;
  /** Fields of `preferences` this user cannot change, with who holds them and why (`locks.ts`). */
  locks: SettingLock[];
  /**
   * Issue 14: the newest change an admin of the business made to these preferences while this
   * device listened ("Changed by Sam Rivera at 10:42"), with the dotted fields it changed.
   */
  changedBy?: AdminChange;
  /**
   * Issue 14 §6: the newest change this user made on another of their devices that this device
   * adopted while it listened, in sentences ("Do not disturb was turned on from laptop").
   */
  deviceChange?: DeviceChange;
}

/** A change made on another device of the same user, as the window and headless say it. */
export interface DeviceChange {
  /** `preferenceChangeSentences`: at most three. */
  sentences: string[];
  /** The other device's name; null when it sent none (an older companion). */
  deviceName: string | null;
  /** When this device adopted it (ms since the epoch): the notice's identity for dismissing. */
  at: number;
}

/** An admin's change to a member's preferences, as the member's window shows it. */
export interface AdminChange extends ChangedBy {
  fields: string[];
}

export interface SessionSnapshot {
  profile: Profile;
  connection: ConnectionState;
  sync: SyncStatus;
  health: HealthNotice[];
  /** Unread in-app notifications now, so the window counts right from the moment it opens. */
  unread: number;
}

/** Phantom marker for a result type: schemas for what we send back are not needed at run time. */
function returns<Value>(): Value {
  return undefined as Value;
}

const none = z.undefined();

export const invokeCalls = {
  getSession: { channel: 'session:get', args: none, result: returns<SessionSnapshot>() },
  getPreferences: {
    channel: 'preferences:get',
    args: none,
    result: returns<PreferencesSnapshot>(),
  },
  updatePreferences: {
    channel: 'preferences:update',
    args: z.strictObject({ preferences: userPreferencesSchema }),
    result: returns<PreferencesSnapshot>(),
  },
  updateBusinessDefaults: {
    channel: 'business-defaults:update',
    args: z.strictObject({ defaults: businessDefaultsSchema }),
    result: returns<PreferencesSnapshot>(),
  },
  muteLine: {
    channel: 'mutes:line',
    args: z.strictObject({ lineId: idSchema, duration: muteDurationSchema }),
    result: returns<PreferencesSnapshot>(),
  },
  unmuteLine: {
    channel: 'mutes:unmute-line',
    args: z.strictObject({ lineId: idSchema }),
    result: returns<PreferencesSnapshot>(),
  },
  setDoNotDisturb: {
    channel: 'mutes:do-not-disturb',
    args: doNotDisturbArgsSchema,
    result: returns<PreferencesSnapshot>(),
  },
  listActivity: {
    channel: 'activity:list',
    args: z.strictObject({ limit: z.int().min(1).max(500) }),
    result: returns<ActivityItem[]>(),
  },
  listNotifications: {
    channel: 'notifications:list',
    args: z.strictObject({ limit: z.int().min(1).max(1000) }),
    result: returns<InAppNotification[]>(),
  },
  markNotificationsRead: {
    channel: 'notifications:mark-read',
    args: z.strictObject({ ids: z.array(z.string().max(200)).max(1000) }),
    result: returns<{ updated: number }>(),
  },
  diagnose: {
    channel: 'policy:diagnose',
    args: z.strictObject({ alertType: z.enum(alertTypes) }),
    result: returns<Diagnosis>(),
  },
  sendTestNotification: {
    channel: 'notifications:test',
    args: z.strictObject({ channel: z.enum(channels) }),
    result: returns<TestNotificationResult>(),
  },
  /** Issue 14, admins: every member with what `diagnose` needs (`GET /api/team`); online only. */
  getTeam: { channel: 'team:get', args: none, result: returns<Team>() },
  /**
   * Issue 14, admins: writes a member's preferences (`PUT /api/members/:userId/preferences`)
   * over the version the admin edited; online only: a refusal or a newer version is an error.
   */
  updateMemberPreferences: {
    channel: 'team:update-member',
    args: z.strictObject({
      userId: idSchema,
      version: z.int().min(1),
      preferences: userPreferencesSchema,
    }),
    result: returns<{ version: number }>(),
  },
  openExternal: {
    channel: 'shell:open-external',
    args: z.strictObject({ url: z.url().max(2000) }),
    result: returns<{ opened: boolean }>(),
  },
} as const;

/** Renderer → main, no answer. */
export const rendererMessages = {
  /** The window has subscribed to events: main may now send what it held back. */
  ready: { channel: 'renderer:ready', args: none },
} as const;

export type Section =
  | 'communication'
  | 'appointments'
  | 'lines'
  | 'highSms'
  | 'channels'
  | 'leads'
  | 'usage'
  | 'account'
  | 'quietHours'
  | 'businessDefaults'
  | 'recipients'
  | 'activity'
  | 'notifications';

/** Main → renderer events and their payloads. */
export interface MainEvents {
  connectionChanged: ConnectionState;
  syncChanged: SyncStatus;
  preferencesChanged: PreferencesSnapshot;
  activityAdded: ActivityItem;
  notificationsChanged: { unread: number };
  healthChanged: HealthNotice[];
  /** Open a section, or one item (a notification click). */
  navigate: { section: Section; itemId: string | null };
  /** How far a catch-up after a reconnect has come (a few times a second at most); null when none runs. */
  catchUpChanged: CatchUpProgress | null;
}

export const mainEventChannels: { [Name in keyof MainEvents]: string } = {
  connectionChanged: 'event:connection-changed',
  syncChanged: 'event:sync-changed',
  preferencesChanged: 'event:preferences-changed',
  activityAdded: 'event:activity-added',
  notificationsChanged: 'event:notifications-changed',
  healthChanged: 'event:health-changed',
  navigate: 'event:navigate',
  catchUpChanged: 'event:catch-up-changed',
};

export type InvokeCalls = typeof invokeCalls;
export type InvokeName = keyof InvokeCalls;
export type InvokeArgs<Name extends InvokeName> = z.input<InvokeCalls[Name]['args']>;
export type InvokeResult<Name extends InvokeName> = InvokeCalls[Name]['result'];

type ListenerName<Name extends string> = `on${Capitalize<Name>}`;

/**
 * What preload exposes as `window.api`: one named method per invoke call, `ready()`, and one
 * named `on…` subscription per event, returning an unsubscribe function. No generic send.
 */
export type RendererApi = {
  [Name in InvokeName]: InvokeArgs<Name> extends undefined
    ? () => Promise<IpcResponse<InvokeResult<Name>>>
    : (args: InvokeArgs<Name>) => Promise<IpcResponse<InvokeResult<Name>>>;
} & { ready(): void } & {
  [Name in keyof MainEvents as ListenerName<Name>]: (
    listener: (payload: MainEvents[Name]) => void,
  ) => () => void;
};
