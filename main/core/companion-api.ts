import type {
  ActivityItem,
  CatchUpProgress,
  Channel,
  ConnectionState,
  Decision,
  HealthNotice,
  InAppNotification,
  InvokeArgs,
  InvokeName,
  InvokeResult,
  ManagedPolicy,
  PreferencesSnapshot,
  SessionSnapshot,
  SyncStatus,
  TestNotificationResult,
} from '../../common';
import type { BackoffOptions } from './connection';
import type { Clock, Logger, NotifierPort, Observable } from './ports';
import type { Store } from './store';

/**
 * What a shell (Electron, headless, the browser-test bridge) sees of the running core. The IPC
 * handlers call these methods one-to-one with the names of `invokeCalls` in the IPC contract.
 * Methods throw `CompanionError` for refusals; the IPC wrapper turns that into an `IpcResponse`.
 */
export type CompanionCalls = {
  [Name in InvokeName]: InvokeArgs<Name> extends undefined
    ? () => Promise<InvokeResult<Name>>
    : (args: InvokeArgs<Name>) => Promise<InvokeResult<Name>>;
};

/** What a shell passes to `createCompanion`: where the data lives, the service, and the ports. */
export interface CompanionOptions {
  /** Folder for the per-user SQLite database and the small session index. */
  dataDir: string;
  serviceUrl: string;
  token: string;
  /** Stable id of this device; generated once and kept in the store when absent. */
  deviceId?: string;
  /**
   * This device's name as its owner reads it ("laptop"), sent with each preferences write so
   * the owner's other devices can say where a change came from (issue 14 §6). Default: the OS
   * host name (`os.hostname()`); headless takes `--device-name`.
   */
  deviceName?: string;
  notifier: NotifierPort;
  clock: Clock;
  logger: Logger;
  /** Reconnect backoff of the live socket (tests shorten it). */
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  /** Pop-up coalescing window of delivery (default 2 s; tests pass 0). */
  coalesceWindowMilliseconds?: number;
  /**
   * The storage port: opens one user's store. Both shells take the default, SQLite on disk in
   * `dataDir` (`openStore` of main/core/store); a test passes a wrapper over it that fails writes
   * on demand, to prove what the core does when the disk is full.
   */
  openStore?: (where: { dataDir: string; userId: string }) => Store;
  /**
   * Health notices the shell already knows at start (the desktop shell's token kept without
   * the OS keychain): in `health` from the first moment, beside the session's own.
   */
  notices?: readonly HealthNotice[];
  /**
   * The managed policy the shell read at start (`main/core/policy`), or null: its locked
   * settings are laid over the user's preferences and refused locally (policy > business
   * defaults > user). The shell applies `serviceUrl`, `launchAtLogin` and `updates` itself.
   */
  policy?: ManagedPolicy | null;
}

export interface CompanionObservables {
  connection: Observable<ConnectionState>;
  sync: Observable<SyncStatus>;
  preferences: Observable<PreferencesSnapshot | null>;
  health: Observable<HealthNotice[]>;
  unread: Observable<number>;
  /**
   * How far the catch-up after a (re)connect has come ("Catching up: 40,000 of 100,000",
   * `describeCatchUp`), published at most every 250 ms; null when none runs.
   */
  catchUp: Observable<CatchUpProgress | null>;
  /**
   * Every decision, once, when it is settled: after its batch committed and, when it owes a
   * pop-up, once the pop-up's result is recorded (the headless printer and the Activity list
   * listen). The item says what happened on each channel, from records.
   */
  onDecision(listener: (item: ActivityItem, decision: Decision) => void): () => void;
  /**
   * An Activity row already told changed: the service reported on an alert the companion had
   * raised itself while its link was down (a reminder). Same `eventId`: replace the row.
   */
  onActivityUpdated(listener: (item: ActivityItem) => void): () => void;
  /** A pop-up was clicked (or its "Open" pressed): open this item. */
  onOpenItem(listener: (itemId: string) => void): () => void;
  /**
   * "Call back" was pressed on a missed call's pop-up: open the softphone on this number (the
   * shell through its checked external-URL path; headless prints it). The number is the one
   * recorded with the call (E.164 or a short code, validated on arrival).
   */
  onCallBack(listener: (request: { number: string; itemId: string }) => void): () => void;
}

export interface Companion extends CompanionCalls, CompanionObservables {
  start(): Promise<void>;
  /** Re-plans timers (reminders, mute expiries) after sleep or a clock jump; idempotent. */
  replan(reason: 'resume' | 'clockJump' | 'unlock'): void;
  stop(): Promise<void>;
}

export type CompanionErrorCode = 'forbidden' | 'invalidArguments' | 'notFound' | 'unavailable';

/** A refusal with a reason a person can read. */
export class CompanionError extends Error {
  constructor(
    readonly code: CompanionErrorCode,
    message: string,
    readonly fields?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'CompanionError';
  }
}

export type { Channel, InAppNotification, SessionSnapshot, TestNotificationResult };
