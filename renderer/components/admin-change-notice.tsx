import { alertTypeLabels, alertTypes, channelLabels, channels } from '../../common/alert-types';
import { usePreferencesStore } from '../stores/preferences-store';

/** "texts to your personal line by desktop" for `alertChannels.textPersonal.desktop`. */
function fieldWords(field: string): string {
  const [group, type, channel] = field.split('.');
  const alertType = alertTypes.find((each) => each === type);
  const channelName = channels.find((each) => each === channel);
  if (group === 'alertChannels' && alertType && channelName) {
    return `${alertTypeLabels[alertType]} by ${channelLabels[channelName]}`;
  }
  if ((group === 'alerts' || group === 'accountAlerts') && alertType) {
    return alertTypeLabels[alertType];
  }
  return field;
}

/**
 * Issue 14: when an admin changed this person's settings, the window says who and when
 * ("Changed by Sam Rivera at 10:42: texts to your personal line by desktop").
 */
export function AdminChangeNotice() {
  const changedBy = usePreferencesStore((state) => state.snapshot?.changedBy);
  if (!changedBy) return null;
  const time = new Date(changedBy.at).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  return (
    <p className="notice" role="status" data-testid="admin-change">
      Changed by {changedBy.name} at {time}
      {changedBy.fields.length > 0 ? `: ${changedBy.fields.map(fieldWords).join(', ')}` : ''}
    </p>
  );
}
