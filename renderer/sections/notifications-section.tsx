import { useState } from 'react';
import type { EventKind } from '../../common/events';
import type { InAppNotification } from '../../common/status';
import { SettingsSection } from '../components/controls';
import { useNow } from '../components/use-now';
import { routeHash, useRouteStore } from '../routing';
import { useNotificationsStore } from '../stores/notifications-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { clockTime, exactTime, relativeTime } from '../time-format';

/** The kinds the filter offers, in words. */
const kindWords: Record<EventKind, string> = {
  call: 'Calls',
  text: 'Texts',
  voicemail: 'Voicemails',
  fax: 'Faxes',
  mention: 'Mentions',
  contactAssigned: 'Contacts assigned',
  appointmentAssigned: 'Appointments assigned',
  reminderAssigned: 'Reminders assigned',
  appointmentCreated: 'New appointments',
  appointmentUpdated: 'Appointment changes',
  appointmentCancelled: 'Cancelled appointments',
  appointmentReminder: 'Appointment reminders',
  highSms: 'High-SMS alerts',
  lead: 'Leads',
  usage: 'Usage',
  usageThreshold: 'Usage',
  paymentFailed: 'Payment failures',
  accountReport: 'Account reports',
};

/** "Ringing", "Answered by Sam Rivera", "Missed": a call item's life as it stands. */
function callWords(call: NonNullable<InAppNotification['call']>): string {
  switch (call.state) {
    case 'ringing':
      return 'Ringing';
    case 'answered':
      return call.answeredBy ? `Answered by ${call.answeredBy}` : 'Answered';
    case 'missed':
      return 'Missed';
  }
}

function When({ instant, now, timeZone }: { instant: number; now: number; timeZone: string }) {
  return (
    <time
      dateTime={new Date(instant).toISOString()}
      title={exactTime(instant, timeZone)}
      data-testid="notification-time"
    >
      {relativeTime(instant, Math.max(now, instant))}
    </time>
  );
}

function NotificationRow({
  item,
  highlighted,
  now,
  timeZone,
}: {
  item: InAppNotification;
  highlighted: boolean;
  now: number;
  timeZone: string;
}) {
  const markRead = useNotificationsStore((state) => state.markRead);
  const go = useRouteStore((state) => state.go);
  const grouped = item.grouped ?? [];
  return (
    <li
      className={[
        'notification-row',
        item.read ? '' : 'is-unread',
        highlighted ? 'is-highlighted' : '',
      ]
        .filter(Boolean)
        .join(' ')}
      data-event-id={item.eventId}
      data-testid="notification-row"
      tabIndex={-1}
      aria-current={highlighted ? 'true' : undefined}
    >
      <div className="activity-head">
        <strong>{item.title}</strong>
        {item.read ? null : <span className="badge">unread</span>}
        {item.call ? (
          <span className={`call-state call-${item.call.state}`} data-testid="call-state">
            {callWords(item.call)}
          </span>
        ) : null}
        <When instant={item.createdAt} now={now} timeZone={timeZone} />
      </div>
      <p>{item.body}</p>
      {item.quietReason ? <p className="field-note">Did not pop up: {item.quietReason}</p> : null}
      {grouped.length > 0 ? (
        <details className="grouped">
          <summary>{grouped.length} more in this group</summary>
          <ul>
            {grouped.map((each) => (
              <li key={`${each.createdAt}-${each.title}`}>
                <strong>{each.title}</strong> {each.body}{' '}
                <span className="field-note">{clockTime(each.createdAt, now, timeZone)}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <div className="row-actions">
        {item.read ? null : (
          <button type="button" className="small" onClick={() => void markRead([item.id])}>
            Mark read<span className="visually-hidden">: {item.title}</span>
          </button>
        )}
        <a
          href={routeHash({ page: 'activity', itemId: item.eventId })}
          onClick={(event) => {
            event.preventDefault();
            go({ page: 'activity', itemId: item.eventId });
          }}
        >
          Why and where it went<span className="visually-hidden">: {item.title}</span>
        </a>
      </div>
    </li>
  );
}

/** The in-app notification list, newest first, with what kept each one from popping up. */
export function NotificationsSection() {
  const items = useNotificationsStore((state) => state.items);
  const unread = useNotificationsStore((state) => state.unread);
  const markAllRead = useNotificationsStore((state) => state.markAllRead);
  const route = useRouteStore((state) => state.route);
  const timeZone = usePreferencesStore((state) => state.snapshot?.preferences.timeZone ?? 'UTC');
  const now = useNow(30_000);
  const [filter, setFilter] = useState('all');
  // The core stores the kind with each item: the filter needs no Activity row (which retention
  // may have pruned long before the item).
  const kinds = [...new Set(items.map((item) => item.kind).filter((kind) => kind !== undefined))];
  const shown = filter === 'all' ? items : items.filter((item) => item.kind === filter);
  const opened = route.page === 'notifications' ? route.itemId : null;
  return (
    <SettingsSection
      id="notifications"
      title="Notifications"
      intro={<span data-testid="unread-count">{unread} unread</span>}
    >
      <div className="inline-controls">
        <button type="button" disabled={unread === 0} onClick={() => void markAllRead()}>
          Mark all as read
        </button>
        <label htmlFor="notification-filter">Show</label>
        <select
          id="notification-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        >
          <option value="all">All types</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kindWords[kind as EventKind] ?? kind}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? <p>Nothing here yet.</p> : null}
      <ul className="notification-list" aria-label="In-app notifications">
        {shown.map((item) => (
          <NotificationRow
            key={item.id}
            item={item}
            highlighted={item.eventId === opened}
            now={now}
            timeZone={timeZone}
          />
        ))}
      </ul>
    </SettingsSection>
  );
}
