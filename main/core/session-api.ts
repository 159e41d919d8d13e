import type {
  ActivityItem,
  BusinessDefaults,
  CatchUpProgress,
  ConnectionState,
  Decision,
  HealthNotice,
  InAppNotification,
  PreferencesSnapshot,
  Profile,
  RecipientContext,
  SyncStatus,
  TestNotificationResult,
  UserPreferences,
} from '../../common';
import type { Companion, CompanionOptions } from './companion-api';
import type { PopupCommand } from './delivery';
import type { ObservableValue } from './ports';

/** What the person is told, once per reset, when the service's data epoch changed. */
export const serviceResetNotice =
  "The service's data was reset; alerts are fetched again from its start";

/**
 * The companion's views, which outlive any one session (the shell subscribes before sign-in and
 * across sign-ins): an open session feeds them, and stops when it closes.
 */
export interface SessionViews {
  connection: ObservableValue<ConnectionState>;
  sync: ObservableValue<SyncStatus>;
  preferences: ObservableValue<PreferencesSnapshot | null>;
  health: ObservableValue<HealthNotice[]>;
  unread: ObservableValue<number>;
  /** How far the current catch-up has come; null when none runs (main/core/catch-up-progress.ts). */
  catchUp: ObservableValue<CatchUpProgress | null>;
  /** A decision, once settled (main/core/pipeline.ts). */
  decided(item: ActivityItem, decision: Decision): void;
  /** An Activity row already told changed (the service reported on a local alert). */
  updated(item: ActivityItem): void;
  openItem(itemId: string): void;
  /** A pop-up's button that acts: mute its line, call back (main/core/delivery/popup-commands.ts). */
  popupCommand(command: PopupCommand): void;
}

export interface SessionOptions extends CompanionOptions {
  profile: Profile;
  /** The profile came from the service just now (not the kept copy): keep it for offline starts. */
  fresh: boolean;
  views: SessionViews;
}

/**
 * The whole running core for one signed-in user: store, sync, socket, pipeline, delivery, the
 * local reminder schedule and the mute-expiry watcher. `openSession` builds it and wires it to
 * the views; `start()` brings it up; `close()` takes it down again, in order.
 */
export interface Session {
  readonly profile: Profile;
  /**
   * Starts delivery, re-raises pop-ups an exit cut off, starts the reminder schedule and sync,
   * then connects the socket.
   */
  start(): Promise<void>;
  /**
   * Stops the socket first, then the timers, flushes pop-ups (their decisions are still told),
   * stops every part and closes the store. Idempotent.
   */
  close(): Promise<void>;
  /** What `decide` and `diagnose` need now: profile, preferences, presence, clock. */
  context(): RecipientContext;
  /** The newest decided events, as Activity rows. */
  activity(limit: number): ActivityItem[];
  notifications(limit: number): InAppNotification[];
  markRead(ids: readonly string[]): number;
  /** Applies an edit locally and queues it for every device; throws `CompanionError` refusals. */
  edit(change: (preferences: UserPreferences) => UserPreferences): Promise<PreferencesSnapshot>;
  editBusinessDefaults(
    change: (defaults: BusinessDefaults) => BusinessDefaults,
  ): Promise<PreferencesSnapshot>;
  /**
   * A sample desktop or in-app notification, through the same delivery path as real alerts
   * (coalescing, do-not-disturb, quiet hours); the result says what happened to it.
   */
  sendSample(channel: 'desktop' | 'inApp', title: string): Promise<TestNotificationResult>;
  /** After sleep, unlock or a clock jump: re-plans timers; on resume, reconnects now. */
  replan(reason: Parameters<Companion['replan']>[0]): void;
}
