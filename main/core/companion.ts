import {
  defaultUserPreferences,
  diagnose,
  invokeCalls,
  isAdmin,
  chosenUntilRefusal,
  muteUntil,
  parseWith,
  roleRefusals,
  sampleNotificationTitle,
  type ActivityItem,
  type CatchUpProgress,
  type ConnectionState,
  type Decision,
  type HealthNotice,
  type InvokeArgs,
  type InvokeName,
  type PreferencesSnapshot,
  type SyncStatus,
  type UserPreferences,
} from '../../common';
import { CompanionError, type Companion, type CompanionOptions } from './companion-api';
import { createServiceClient, ServiceRefusalError, type ServiceClient } from './connection';
import { ObservableValue, type TimerHandle } from './ports';
import { tightenDataFolder } from './private-files';
import { createTeamClient } from './team-client';
import { openSession, type Session, type SessionViews } from './session';
import { resolveProfile } from './session-index';
import { profileInUseMessage, StoreLockedError } from './session-store';

/** How long to wait before trying a profile another process holds again. */
const profileInUseRetryMilliseconds = 30_000;

export type { CompanionOptions };

/** Runs synchronous work as a promise: a throw becomes a rejection, as an async method's would. */
function settle<Value>(work: () => Value): Promise<Value> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Validates IPC-shaped arguments in the core too: headless and tests call it directly. */
function argumentsOf<Name extends InvokeName>(name: Name, args: unknown): InvokeArgs<Name> {
  const parsed = parseWith(invokeCalls[name].args, args);
  if (!parsed.ok) throw new CompanionError('invalidArguments', parsed.message, parsed.errors);
  return parsed.value as InvokeArgs<Name>;
}

/**
 * The core's facade, one per signed-in user; both shells (Electron, headless) use it. It finds
 * the profile (from the service, else the copy kept for an offline start), opens a `Session` for
 * it (main/core/session.ts: the composition root of the running core), keeps the observables
 * the shell subscribes to across sessions, and answers every `CompanionCalls` method: arguments
 * validated, refusals as `CompanionError`, the work handed to the session.
 */
export function createCompanion(options: CompanionOptions): Companion {
  const { clock, logger } = options;
  // Owner-only before anything is read or written: a folder left open by an older version, a
  // copy or a restore is tightened here, for both shells.
  try {
    tightenDataFolder(options.dataDir);
  } catch (error) {
    logger.warn('Cannot make the data folder owner-only', {
      folder: options.dataDir,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  const client: ServiceClient = createServiceClient({
    serviceUrl: options.serviceUrl,
    token: options.token,
  });
  const team = createTeamClient({ serviceUrl: options.serviceUrl, token: options.token });
  const connectionState = new ObservableValue<ConnectionState>({ status: 'connecting' });
  const syncStatus = new ObservableValue<SyncStatus>({ status: 'synced', at: null });
  // The shell subscribes before any session exists and across sign-ins, so this is the one
  // stable view; each session's sync engine feeds it (no copy of the state is kept elsewhere).
  const preferences = new ObservableValue<PreferencesSnapshot | null>(null);
  const standingNotices = options.notices ?? [];
  const health = new ObservableValue<HealthNotice[]>([...standingNotices]);
  // Each session sets its own notices (delivery's); the shell's stay in front of them.
  const sessionHealth = new ObservableValue<HealthNotice[]>([]);
  sessionHealth.subscribe((notices) => health.set([...standingNotices, ...notices]));
  const unread = new ObservableValue<number>(0);
  const catchUp = new ObservableValue<CatchUpProgress | null>(null);
  const decisionListeners = new Set<(item: ActivityItem, decision: Decision) => void>();
  const updateListeners = new Set<(item: ActivityItem) => void>();
  const openListeners = new Set<(itemId: string) => void>();
  const callBackListeners = new Set<(request: { number: string; itemId: string }) => void>();
  const views: SessionViews = {
    connection: connectionState,
    sync: syncStatus,
    preferences,
    health: sessionHealth,
    unread,
    catchUp,
    decided(item, decision) {
      for (const listener of [...decisionListeners]) listener(item, decision);
    },
    updated(item) {
      for (const listener of [...updateListeners]) listener(item);
    },
    openItem(itemId) {
      for (const listener of [...openListeners]) listener(itemId);
    },
    popupCommand(command) {
      switch (command.kind) {
        case 'muteLine':
          // The tray's way: the facade's mute, through the store and the sync outbox.
          companion.muteLine({ lineId: command.lineId, duration: 'oneHour' }).then(
            () => logger.info('Line muted for 1 hour from a pop-up', { lineId: command.lineId }),
            (error: unknown) =>
              logger.warn('Muting the line from a pop-up failed', {
                lineId: command.lineId,
                error: error instanceof Error ? error.message : String(error),
              }),
          );
          return;
        case 'callBack':
          for (const listener of [...callBackListeners]) {
            listener({ number: command.number, itemId: command.itemId });
          }
          return;
        case 'open':
          for (const listener of [...openListeners]) listener(command.itemId);
          return;
      }
    },
  };
  let session: Session | null = null;
  let stopped = false;
  let bootTimer: TimerHandle | null = null;
  let bootAttempt = 0;

  function requireSession(): Session {
    if (!session) {
      throw new CompanionError(
        'unavailable',
        connectionState.get().status === 'refused'
          ? 'The service refused this sign-in'
          : 'Still connecting to the service',
      );
    }
    return session;
  }

  /**
   * Another process holds the profile's database: said once, in words, nothing moved; tried
   * again later, slowly (each try waits out SQLite's busy timeout).
   */
  function profileInUse(): void {
    logger.warn(profileInUseMessage);
    sessionHealth.set([{ code: 'profileInUse', message: profileInUseMessage }]);
    connectionState.set({ status: 'offline', since: clock.now(), reason: profileInUseMessage });
    bootTimer = clock.setTimeout(() => {
      bootTimer = null;
      void attemptBoot();
    }, profileInUseRetryMilliseconds);
  }

  /** Opens the session once the profile is known; retries with backoff while it is not. */
  async function attemptBoot(): Promise<void> {
    try {
      await boot();
    } catch (error) {
      if (!(error instanceof StoreLockedError)) throw error;
      if (!stopped) profileInUse();
    }
  }

  async function boot(): Promise<void> {
    if (stopped || session) return;
    const resolved = await resolveProfile(client, options.dataDir, options.token, logger);
    if (resolved !== null && 'refused' in resolved) {
      connectionState.set({ status: 'refused', reason: resolved.refused });
      return;
    }
    if (stopped) return;
    if (resolved === null) {
      bootAttempt += 1;
      const delay = Math.min(60_000, 1_000 * 2 ** Math.min(bootAttempt - 1, 6));
      connectionState.set({
        status: 'reconnecting',
        inSeconds: Math.ceil(delay / 1000),
        attempt: bootAttempt,
        reason: 'Cannot reach the service, and this sign-in has never been online here',
      });
      bootTimer = clock.setTimeout(() => {
        bootTimer = null;
        void attemptBoot();
      }, delay);
      return;
    }
    const opened = openSession({ ...options, ...resolved, views });
    session = opened;
    await opened.start();
  }

  function timeZone(): string {
    return (preferences.get()?.preferences ?? defaultUserPreferences()).timeZone;
  }

  async function editMutes(
    change: (mutes: UserPreferences['mutes']) => UserPreferences['mutes'],
  ): Promise<PreferencesSnapshot> {
    return requireSession().edit((value) => ({ ...value, mutes: change(value.mutes) }));
  }

  const companion: Companion = {
    connection: connectionState,
    sync: syncStatus,
    preferences,
    health,
    unread,
    catchUp,
    onDecision(listener) {
      decisionListeners.add(listener);
      return () => decisionListeners.delete(listener);
    },
    onActivityUpdated(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    onOpenItem(listener) {
      openListeners.add(listener);
      return () => openListeners.delete(listener);
    },
    onCallBack(listener) {
      callBackListeners.add(listener);
      return () => callBackListeners.delete(listener);
    },

    async start() {
      stopped = false;
      await attemptBoot();
    },

    replan(reason) {
      session?.replan(reason);
    },

    async stop() {
      stopped = true;
      if (bootTimer) clock.clearTimeout(bootTimer);
      bootTimer = null;
      const active = session;
      session = null;
      if (!active) return;
      await active.close();
      connectionState.set({ status: 'offline', since: clock.now(), reason: 'Stopped' });
    },

    getSession() {
      return settle(() => ({
        profile: requireSession().profile,
        connection: connectionState.get(),
        sync: syncStatus.get(),
        health: health.get(),
        unread: unread.get(),
      }));
    },

    getPreferences() {
      return settle(() => {
        requireSession();
        const value = preferences.get();
        if (!value) throw new CompanionError('unavailable', 'Preferences are not loaded yet');
        return value;
      });
    },

    async updatePreferences(args) {
      const { preferences: next } = argumentsOf('updatePreferences', args);
      return requireSession().edit(() => next);
    },

    async updateBusinessDefaults(args) {
      const { defaults } = argumentsOf('updateBusinessDefaults', args);
      const active = requireSession();
      if (!isAdmin(active.profile.user.role)) {
        throw new CompanionError('forbidden', roleRefusals.businessDefaultsNeedAdmin);
      }
      return active.editBusinessDefaults(() => defaults);
    },

    async muteLine(args) {
      const { lineId, duration } = argumentsOf('muteLine', args);
      const active = requireSession();
      if (!active.profile.lines.some((line) => line.id === lineId)) {
        throw new CompanionError('notFound', `You do not receive alerts on line ${lineId}`);
      }
      const until = muteUntil(duration, clock.now(), timeZone());
      return editMutes((mutes) => ({
        ...mutes,
        lines: [...mutes.lines.filter((mute) => mute.lineId !== lineId), { lineId, until }],
      }));
    },

    async unmuteLine(args) {
      const { lineId } = argumentsOf('unmuteLine', args);
      return editMutes((mutes) => ({
        ...mutes,
        lines: mutes.lines.filter((mute) => mute.lineId !== lineId),
      }));
    },

    async setDoNotDisturb(args) {
      const parsed = argumentsOf('setDoNotDisturb', args);
      if ('until' in parsed) {
        const refusal = chosenUntilRefusal(parsed.until, clock.now());
        if (refusal) throw new CompanionError('invalidArguments', refusal);
      }
      const doNotDisturb =
        'until' in parsed
          ? { enabled: true, until: new Date(parsed.until).toISOString() }
          : parsed.duration === null
            ? { enabled: false, until: null }
            : { enabled: true, until: muteUntil(parsed.duration, clock.now(), timeZone()) };
      return editMutes((mutes) => ({ ...mutes, doNotDisturb }));
    },

    listActivity(args) {
      return settle(() => {
        const { limit } = argumentsOf('listActivity', args);
        return requireSession().activity(limit);
      });
    },

    listNotifications(args) {
      return settle(() => {
        const { limit } = argumentsOf('listNotifications', args);
        return requireSession().notifications(limit);
      });
    },

    markNotificationsRead(args) {
      return settle(() => {
        const { ids } = argumentsOf('markNotificationsRead', args);
        return { updated: requireSession().markRead(ids) };
      });
    },

    diagnose(args) {
      return settle(() => {
        const { alertType } = argumentsOf('diagnose', args);
        return diagnose(alertType, requireSession().context());
      });
    },

    async sendTestNotification(args) {
      const { channel } = argumentsOf('sendTestNotification', args);
      const active = requireSession();
      if (channel === 'desktop' || channel === 'inApp') {
        return active.sendSample(channel, sampleNotificationTitle(channel));
      }
      try {
        return await client.testNotification(channel);
      } catch (error) {
        if (error instanceof ServiceRefusalError && error.status === 403) {
          throw new CompanionError('forbidden', error.message);
        }
        throw new CompanionError(
          'unavailable',
          error instanceof Error ? error.message : 'The service did not answer',
        );
      }
    },

    async getTeam() {
      if (!isAdmin(requireSession().profile.user.role)) {
        throw new CompanionError('forbidden', 'Only admins can see the team');
      }
      return team.team();
    },

    async updateMemberPreferences(args) {
      const { userId, version, preferences } = argumentsOf('updateMemberPreferences', args);
      return team.updateMemberPreferences(userId, version, preferences);
    },

    openExternal(args) {
      return settle(() => {
        argumentsOf('openExternal', args);
        // Only a shell can open a browser; it overrides this.
        return { opened: false };
      });
    },
  };
  return companion;
}
