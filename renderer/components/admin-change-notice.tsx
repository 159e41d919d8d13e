import { useState } from 'react';
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
 * ("Changed by Sam Rivera at 10:42: texts to your personal line by desktop"); when the person
 * changed them on another of their devices, what and where ("Do not disturb was turned on from
 * laptop"), until they dismiss it.
 */
export function AdminChangeNotice() {
  const changedBy = usePreferencesStore((state) => state.snapshot?.changedBy);
  const deviceChange = usePreferencesStore((state) => state.snapshot?.deviceChange);
  // The notice dismissed, by when it was adopted: a newer change shows again.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const time = changedBy
    ? new Date(changedBy.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : '';
  return (
    <>
      {changedBy ? (
        <p className="notice" role="status" data-testid="admin-change">
          Changed by {changedBy.name} at {time}
          {changedBy.fields.length > 0 ? `: ${changedBy.fields.map(fieldWords).join(', ')}` : ''}
        </p>
      ) : null}
      {deviceChange && deviceChange.at !== dismissedAt ? (
        <div className="notice inline-controls" role="status" data-testid="device-change">
          <p>{deviceChange.sentences.join('. ')}.</p>
          <button type="button" className="small" onClick={() => setDismissedAt(deviceChange.at)}>
            Dismiss
            <span className="visually-hidden"> the notice of a change on another device</span>
          </button>
        </div>
      ) : null}
    </>
  );
}
