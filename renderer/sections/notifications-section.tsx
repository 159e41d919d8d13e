import { SettingsSection } from '../components/controls';
import { useNotificationsStore } from '../stores/notifications-store';
import { useSessionStore } from '../stores/session-store';

/** The in-app notification list, newest first, with what kept each one from popping up. */
export function NotificationsSection() {
  const items = useNotificationsStore((state) => state.items);
  const unread = useNotificationsStore((state) => state.unread);
  const markAllRead = useNotificationsStore((state) => state.markAllRead);
  const opened = useSessionStore((state) => state.navigation?.itemId ?? null);
  return (
    <SettingsSection id="notifications" title="In-app notifications" intro={`${unread} unread.`}>
      <button type="button" disabled={unread === 0} onClick={() => void markAllRead()}>
        Mark all as read
      </button>
      {items.length === 0 ? <p>Nothing here yet.</p> : null}
      <ul className="notification-list">
        {items.map((item) => (
          <li
            key={item.id}
            className={[
              'notification-row',
              item.read ? '' : 'is-unread',
              item.eventId === opened ? 'is-highlighted' : '',
            ]
              .filter(Boolean)
              .join(' ')}
            data-event-id={item.eventId}
            tabIndex={-1}
            aria-current={item.eventId === opened ? 'true' : undefined}
          >
            <strong>{item.title}</strong> {item.read ? null : <span className="badge">unread</span>}
            <p>{item.body}</p>
            {item.quietReason ? (
              <p className="field-note">Did not pop up: {item.quietReason}</p>
            ) : null}
          </li>
        ))}
      </ul>
    </SettingsSection>
  );
}
