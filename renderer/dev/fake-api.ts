import {
  defaultBusinessDefaults,
  defaultRecipient,
  defaultUserPreferences,
} from '../../common/defaults';
import { reportDeliveries } from '../../common/delivery-report';
import type { AlertEvent, ServiceDelivery } from '../../common/events';
import type {
  InvokeArgs,
  IpcResponse,
  MainEvents,
  PreferencesSnapshot,
  RendererApi,
} from '../../common/ipc-contract';
import { invokeCalls } from '../../common/ipc-contract';
import { muteUntil } from '../../common/mute-durations';
import { recipientContext, type RecipientContext } from '../../common/policy/context';
import { decide } from '../../common/policy/decide';
import { diagnose } from '../../common/policy/diagnose';
import { destinationFor } from '../../common/policy/gates';
import { normalizeUserPreferences } from '../../common/preferences';
import type { Profile } from '../../common/service-api';
import { preferencesChangeRefusal, roleRefusals } from '../../common/service-api';
import { businessLocks } from '../../common/locks';
import type { ActivityItem, InAppNotification, SyncStatus } from '../../common/status';
import { describeFieldErrors } from '../../common/validation';

/**
 * A FAKE `window.api` that lives in the page, for `renderer/dev/index.html` only (never the
 * production bundle): a demo business like the stand-in service's, the real policy engine for
 * decisions and diagnosis (`recipientContext`, `muteUntil`: the same rules as the core), and no
 * network. It lets the window be seen and screenshotted without the core or a service. Pick the
 * person with `?user=sam` (billing admin) or `?user=jordan` (agent).
 */
export function createFakeApi(
  userKey: 'sam' | 'jordan',
): RendererApi & { inject(event: AlertEvent): void } {
  const timeZone = 'America/Los_Angeles';
  const team = [
    { id: 'user-sam', name: 'Sam Rivera', role: 'billingAdmin' as const },
    { id: 'user-alex', name: 'Alex Morgan', role: 'admin' as const },
    { id: 'user-jordan', name: 'Jordan Park', role: 'agent' as const },
    { id: 'user-taylor', name: 'Taylor Reed', role: 'agent' as const },
  ];
  const support = {
    id: 'line-support',
    name: 'Support Line',
    number: '+14155552610',
    ringGroupId: 'rg-support',
    ownerUserId: null,
  };
  const jordanLine = {
    id: 'line-jordan',
    name: "Jordan's line",
    number: '+14155552611',
    ringGroupId: null,
    ownerUserId: 'user-jordan',
  };
  const agent = userKey === 'jordan';
  const profile: Profile = {
    user: {
      id: agent ? 'user-jordan' : 'user-sam',
      name: agent ? 'Jordan Park' : 'Sam Rivera',
      email: agent ? 'jordan@harbor-dental.example.com' : 'sam@harbor-dental.example.com',
      role: agent ? 'agent' : 'billingAdmin',
      backupPhone: agent ? '+14155552603' : null,
      personalLineId: agent ? jordanLine.id : null,
    },
    business: { id: 'biz-harbor', name: 'Harbor Dental' },
    lines: agent ? [jordanLine, support] : [],
    ringGroups: agent ? [{ id: 'rg-support', name: 'Support' }] : [],
    team,
  };
  const preferences = defaultUserPreferences(timeZone);
  if (agent) preferences.lines.otherLineIds = [support.id];
  const business = defaultBusinessDefaults();
  business.notificationEmail = 'alerts@harbor-dental.example.com';
  business.notificationPhone = '+14155552600';
  business.recipients = [defaultRecipient('user-sam')];
  business.alerts.appointmentReminder1Minute.enabled = false;
  business.alerts.paymentFailed.mandatory.email = true;
  business.alerts.usage100.mandatory.email = true;
  const locksOf = (defaults: typeof business) =>
    businessLocks(defaults, { userId: profile.user.id, role: profile.user.role });
  let snapshot: PreferencesSnapshot = {
    preferences,
    business,
    preferencesVersion: 1,
    businessVersion: 1,
    locks: locksOf(business),
  };
  let sync: SyncStatus = { status: 'synced', at: Date.now() };
  const activity: ActivityItem[] = [];
  const notifications: InAppNotification[] = [];
  const listeners: { [Name in keyof MainEvents]: Set<(payload: MainEvents[Name]) => void> } = {
    connectionChanged: new Set(),
    syncChanged: new Set(),
    preferencesChanged: new Set(),
    activityAdded: new Set(),
    notificationsChanged: new Set(),
    healthChanged: new Set(),
    navigate: new Set(),
    catchUpChanged: new Set(),
  };
  function emit<Name extends keyof MainEvents>(name: Name, payload: MainEvents[Name]) {
    for (const listener of listeners[name]) listener(payload);
  }
  function subscribe<Name extends keyof MainEvents>(name: Name) {
    return (listener: (payload: MainEvents[Name]) => void) => {
      listeners[name].add(listener);
      return () => listeners[name].delete(listener);
    };
  }
  const ok = <Value>(value: Value): Promise<IpcResponse<Value>> =>
    Promise.resolve({ ok: true, value });
  const refuse = (
    code: 'forbidden' | 'invalidArguments',
    message: string,
    fields?: { path: string; message: string }[],
  ) =>
    Promise.resolve({
      ok: false as const,
      error: { code, message, ...(fields ? { fields } : {}) },
    });

  function context(): RecipientContext {
    return recipientContext({
      user: profile.user,
      lines: profile.lines,
      ringGroups: profile.ringGroups,
      onCall: false,
      preferences: snapshot.preferences,
      business: snapshot.business,
      now: Date.now(),
    });
  }
  function commit(next: PreferencesSnapshot) {
    snapshot = next;
    sync = { status: 'synced', at: Date.now() };
    emit('syncChanged', sync);
    emit('preferencesChanged', snapshot);
    return ok(snapshot);
  }
  function validate<Name extends 'updatePreferences' | 'updateBusinessDefaults'>(
    name: Name,
    args: InvokeArgs<Name>,
  ) {
    const parsed = invokeCalls[name].args.safeParse(args);
    return parsed.success ? null : describeFieldErrors(parsed.error.issues);
  }

  let outboxId = 0;
  function inject(event: AlertEvent) {
    const decision = decide(event, context());
    // This fake plays the service too: its outcome is what the same policy sends by email and SMS.
    const outcome = {
      deliveries: (['email', 'text'] as const).map((channel): ServiceDelivery => {
        const sent = decision.deliveries.find((delivery) => delivery.channel === channel);
        if (sent) {
          outboxId += 1;
          return { channel, status: 'sent', outboxId, destination: sent.destination ?? '' };
        }
        const why = decision.suppressed.find((entry) => entry.channel === channel);
        return {
          channel,
          status: 'notSent',
          code: why?.code ?? 'notAnAlert',
          explanation: why?.explanation ?? '',
        };
      }),
    };
    const delivered = (channel: string) =>
      decision.deliveries.some((delivery) => delivery.channel === channel);
    const item: ActivityItem = {
      eventId: event.id,
      kind: event.kind,
      title: event.kind === 'text' ? `Text from ${event.contactName ?? event.from}` : event.kind,
      body: event.kind === 'text' ? event.body : '',
      occurredAt: event.occurredAt,
      decidedAt: Date.now(),
      decision,
      channels: reportDeliveries({
        decision,
        outcome,
        fromService: true,
        popup: delivered('desktop') ? { status: 'shown' } : null,
        notified: delivered('desktop'),
        listed: delivered('inApp'),
      }),
    };
    activity.unshift(item);
    emit('activityAdded', item);
    if (decision.deliveries.some((delivery) => delivery.channel === 'inApp')) {
      notifications.unshift({
        id: `n-${event.id}`,
        eventId: event.id,
        title: item.title,
        body: item.body,
        createdAt: Date.now(),
        read: false,
        quietReason:
          decision.suppressed.find((entry) => entry.channel === 'desktop')?.explanation ?? null,
      });
      emit('notificationsChanged', { unread: notifications.filter((entry) => !entry.read).length });
    }
  }

  const api: RendererApi & { inject(event: AlertEvent): void } = {
    inject,
    getSession: () =>
      ok({
        profile,
        connection: { status: 'connected', since: Date.now() },
        sync,
        health: [],
        unread: notifications.filter((entry) => !entry.read).length,
      }),
    getPreferences: () => ok(snapshot),
    updatePreferences(args) {
      const fields = validate('updatePreferences', args);
      if (fields) return refuse('invalidArguments', 'Some settings are not valid', fields);
      const next = normalizeUserPreferences(args.preferences);
      const refusal = preferencesChangeRefusal(
        profile.user.role,
        snapshot.preferences,
        next,
        snapshot.locks,
      );
      if (refusal) return refuse('forbidden', refusal);
      return commit({
        ...snapshot,
        preferences: next,
        preferencesVersion: snapshot.preferencesVersion + 1,
      });
    },
    updateBusinessDefaults(args) {
      if (profile.user.role === 'agent')
        return refuse('forbidden', roleRefusals.businessDefaultsNeedAdmin);
      const fields = validate('updateBusinessDefaults', args);
      if (fields) return refuse('invalidArguments', 'Some defaults are not valid', fields);
      return commit({
        ...snapshot,
        business: args.defaults,
        businessVersion: snapshot.businessVersion + 1,
        locks: locksOf(args.defaults),
      });
    },
    muteLine({ lineId, duration }) {
      const preferences = structuredClone(snapshot.preferences);
      preferences.mutes.lines = [
        ...preferences.mutes.lines.filter((mute) => mute.lineId !== lineId),
        { lineId, until: muteUntil(duration, Date.now(), preferences.timeZone) },
      ];
      return commit({ ...snapshot, preferences });
    },
    unmuteLine({ lineId }) {
      const preferences = structuredClone(snapshot.preferences);
      preferences.mutes.lines = preferences.mutes.lines.filter((mute) => mute.lineId !== lineId);
      return commit({ ...snapshot, preferences });
    },
    setDoNotDisturb(args) {
      const preferences = structuredClone(snapshot.preferences);
      preferences.mutes.doNotDisturb =
        'until' in args
          ? { enabled: true, until: args.until }
          : args.duration === null
            ? { enabled: false, until: null }
            : { enabled: true, until: muteUntil(args.duration, Date.now(), preferences.timeZone) };
      return commit({ ...snapshot, preferences });
    },
    listActivity: ({ limit }) => ok(activity.slice(0, limit)),
    listNotifications: ({ limit }) => ok(notifications.slice(0, limit)),
    markNotificationsRead({ ids }) {
      let updated = 0;
      for (const entry of notifications) {
        if (ids.includes(entry.id) && !entry.read) {
          entry.read = true;
          updated += 1;
        }
      }
      emit('notificationsChanged', { unread: notifications.filter((entry) => !entry.read).length });
      return ok({ updated });
    },
    diagnose: ({ alertType }) => ok(diagnose(alertType, context())),
    // The dev fake has one person: the team view needs the real service (`npm run service`).
    getTeam: () =>
      refuse('forbidden', 'The dev fake has no team: run the window against the service'),
    updateMemberPreferences: () =>
      refuse('forbidden', 'The dev fake has no team: run the window against the service'),
    sendTestNotification({ channel }) {
      const on =
        channel === 'desktop'
          ? snapshot.preferences.channels.desktop
          : channel === 'inApp'
            ? snapshot.preferences.channels.inApp
            : snapshot.preferences.channels[channel].enabled;
      const destination = destinationFor(channel, context());
      if (!on)
        return ok({
          channel,
          delivered: false,
          destination: null,
          reason: `You have turned off ${channel} notifications`,
        });
      if ((channel === 'email' || channel === 'text') && destination === null) {
        return ok({
          channel,
          delivered: false,
          destination: null,
          reason: 'No address to send to',
        });
      }
      return ok({ channel, delivered: true, destination, reason: null });
    },
    openExternal: () => ok({ opened: false }),
    ready() {},
    onConnectionChanged: subscribe('connectionChanged'),
    onSyncChanged: subscribe('syncChanged'),
    onPreferencesChanged: subscribe('preferencesChanged'),
    onActivityAdded: subscribe('activityAdded'),
    onNotificationsChanged: subscribe('notificationsChanged'),
    onHealthChanged: subscribe('healthChanged'),
    onNavigate: subscribe('navigate'),
    onCatchUpChanged: subscribe('catchUpChanged'),
  };
  return api;
}
