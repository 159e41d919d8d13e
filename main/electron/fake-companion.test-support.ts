import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  muteUntil,
  type ActivityItem,
  type CatchUpProgress,
  type ConnectionState,
  type Decision,
  type HealthNotice,
  type InvokeArgs,
  type MuteDuration,
  type PreferencesSnapshot,
  type Profile,
  type SessionSnapshot,
  type SyncStatus,
} from '../../common';
import type { Companion } from '../core/companion-api';
import { ObservableValue } from '../core/ports';

/**
 * A fake Companion for the shell's tests: a small real object with the Companion's shape that
 * keeps mutes in memory and records every call. The shell only talks to the core through this
 * interface, so the tray, IPC and power tests need nothing more (the real core is tested in
 * main/core; see test/electron-companion-integration.test.ts for the two together).
 */

export const fakeProfile: Profile = {
  user: {
    id: 'user-jordan',
    name: 'Jordan Park',
    email: 'jordan@example.com',
    role: 'agent',
    backupPhone: null,
    personalLineId: 'line-personal',
  },
  business: { id: 'business-demo', name: 'Demo Dental' },
  lines: [
    {
      id: 'line-personal',
      name: 'Jordan direct',
      number: '+14155550101',
      ringGroupId: null,
      ownerUserId: 'user-jordan',
    },
    {
      id: 'line-front-desk',
      name: 'Front desk',
      number: '+14155550100',
      ringGroupId: 'group-front',
      ownerUserId: null,
    },
  ],
  ringGroups: [{ id: 'group-front', name: 'Front' }],
  team: [{ id: 'user-jordan', name: 'Jordan Park', role: 'agent' }],
};

export type FakeCall = { method: string; args: unknown };

export class FakeCompanion implements Companion {
  readonly calls: FakeCall[] = [];
  readonly replans: Array<'resume' | 'clockJump' | 'unlock'> = [];
  readonly connection = new ObservableValue<ConnectionState>({ status: 'connecting' });
  readonly sync = new ObservableValue<SyncStatus>({ status: 'synced', at: null });
  readonly preferences = new ObservableValue<PreferencesSnapshot | null>(null);
  readonly health = new ObservableValue<HealthNotice[]>([]);
  readonly unread = new ObservableValue<number>(0);
  readonly catchUp = new ObservableValue<CatchUpProgress | null>(null);
  readonly #decisionListeners = new Set<(item: ActivityItem, decision: Decision) => void>();
  readonly #updateListeners = new Set<(item: ActivityItem) => void>();
  readonly #openListeners = new Set<(itemId: string) => void>();
  /** Make the next call of a method fail with this error (a CompanionError, or anything). */
  readonly failures = new Map<string, Error>();
  started = false;
  stopped = false;

  constructor(
    readonly profile: Profile = fakeProfile,
    readonly now: () => number = Date.now,
  ) {}

  /** Loads preferences, as the real core does after sign-in. */
  signIn(timeZone = 'UTC'): void {
    this.preferences.set({
      preferences: defaultUserPreferences(timeZone),
      business: defaultBusinessDefaults(),
      preferencesVersion: 1,
      businessVersion: 1,
      locks: [],
    });
    this.connection.set({ status: 'connected', since: this.now() });
  }

  emitDecision(item: ActivityItem, decision: Decision): void {
    for (const listener of this.#decisionListeners) listener(item, decision);
  }

  emitOpenItem(itemId: string): void {
    for (const listener of this.#openListeners) listener(itemId);
  }

  #record(method: string, args: unknown): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
  }

  #snapshot(): PreferencesSnapshot {
    const snapshot = this.preferences.get();
    if (!snapshot) throw new Error('not signed in');
    return snapshot;
  }

  #until(duration: MuteDuration): string | null {
    return muteUntil(duration, this.now(), 'UTC');
  }

  #setMutes(change: (mutes: PreferencesSnapshot['preferences']['mutes']) => void) {
    const snapshot = structuredClone(this.#snapshot());
    change(snapshot.preferences.mutes);
    snapshot.preferencesVersion += 1;
    this.preferences.set(snapshot);
    return Promise.resolve(snapshot);
  }

  start(): Promise<void> {
    this.started = true;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  replan(reason: 'resume' | 'clockJump' | 'unlock'): void {
    this.replans.push(reason);
  }

  onDecision(listener: (item: ActivityItem, decision: Decision) => void): () => void {
    this.#decisionListeners.add(listener);
    return () => this.#decisionListeners.delete(listener);
  }

  onActivityUpdated(listener: (item: ActivityItem) => void): () => void {
    this.#updateListeners.add(listener);
    return () => this.#updateListeners.delete(listener);
  }

  onOpenItem(listener: (itemId: string) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  readonly #callBackListeners = new Set<(request: { number: string; itemId: string }) => void>();

  onCallBack(listener: (request: { number: string; itemId: string }) => void): () => void {
    this.#callBackListeners.add(listener);
    return () => this.#callBackListeners.delete(listener);
  }

  /** What the core does when "Call back" is pressed on a pop-up. */
  callBack(number: string, itemId: string): void {
    for (const listener of [...this.#callBackListeners]) listener({ number, itemId });
  }

  getSession(): Promise<SessionSnapshot> {
    this.#record('getSession', undefined);
    return Promise.resolve({
      profile: this.profile,
      connection: this.connection.get(),
      sync: this.sync.get(),
      health: this.health.get(),
      unread: this.unread.get(),
    });
  }

  getPreferences(): Promise<PreferencesSnapshot> {
    this.#record('getPreferences', undefined);
    return Promise.resolve(this.#snapshot());
  }

  updatePreferences(args: InvokeArgs<'updatePreferences'>): Promise<PreferencesSnapshot> {
    this.#record('updatePreferences', args);
    return Promise.resolve(this.#snapshot());
  }

  updateBusinessDefaults(args: InvokeArgs<'updateBusinessDefaults'>): Promise<PreferencesSnapshot> {
    this.#record('updateBusinessDefaults', args);
    return Promise.resolve(this.#snapshot());
  }

  muteLine(args: InvokeArgs<'muteLine'>): Promise<PreferencesSnapshot> {
    this.#record('muteLine', args);
    return this.#setMutes((mutes) => {
      mutes.lines = mutes.lines.filter((mute) => mute.lineId !== args.lineId);
      mutes.lines.push({ lineId: args.lineId, until: this.#until(args.duration) });
    });
  }

  unmuteLine(args: InvokeArgs<'unmuteLine'>): Promise<PreferencesSnapshot> {
    this.#record('unmuteLine', args);
    return this.#setMutes((mutes) => {
      mutes.lines = mutes.lines.filter((mute) => mute.lineId !== args.lineId);
    });
  }

  setDoNotDisturb(args: InvokeArgs<'setDoNotDisturb'>): Promise<PreferencesSnapshot> {
    this.#record('setDoNotDisturb', args);
    return this.#setMutes((mutes) => {
      mutes.doNotDisturb =
        'until' in args
          ? { enabled: true, until: args.until }
          : args.duration === null
            ? { enabled: false, until: null }
            : { enabled: true, until: this.#until(args.duration) };
    });
  }

  listActivity(args: InvokeArgs<'listActivity'>): Promise<ActivityItem[]> {
    this.#record('listActivity', args);
    return Promise.resolve([]);
  }

  listNotifications(args: InvokeArgs<'listNotifications'>) {
    this.#record('listNotifications', args);
    return Promise.resolve([]);
  }

  markNotificationsRead(args: InvokeArgs<'markNotificationsRead'>) {
    this.#record('markNotificationsRead', args);
    return Promise.resolve({ updated: args.ids.length });
  }

  diagnose(args: InvokeArgs<'diagnose'>): ReturnType<Companion['diagnose']> {
    this.#record('diagnose', args);
    return Promise.reject(new Error('the fake companion does not diagnose'));
  }

  sendTestNotification(
    args: InvokeArgs<'sendTestNotification'>,
  ): ReturnType<Companion['sendTestNotification']> {
    this.#record('sendTestNotification', args);
    return Promise.reject(new Error('the fake companion sends nothing'));
  }

  getTeam(): ReturnType<Companion['getTeam']> {
    this.#record('getTeam', undefined);
    return Promise.reject(new Error('the fake companion has no team'));
  }

  updateMemberPreferences(
    args: InvokeArgs<'updateMemberPreferences'>,
  ): ReturnType<Companion['updateMemberPreferences']> {
    this.#record('updateMemberPreferences', args);
    return Promise.reject(new Error('the fake companion has no team'));
  }

  openExternal(args: InvokeArgs<'openExternal'>): Promise<{ opened: boolean }> {
    this.#record('openExternal', args);
    return Promise.resolve({ opened: false });
  }
}
