import {
  alertTypeLabels,
  channelLabels,
  isRecipientAlertType,
  type Channel,
  type UserAlertType,
} from '../../common/alert-types';
import type { Diagnosis } from '../../common/policy/context';
import type { BusinessDefaults } from '../../common/preferences';
import type { Profile } from '../../common/service-api';
import { controlLock } from '../effective';
import { requiredWords } from '../effective-words';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { sentence, Toggle } from './controls';
import { EffectiveNote } from './effective-note';

/**
 * Why the business keeps this user from receiving `type` at all, or null. The words match the
 * policy engine's explanations, so the window and the Activity list say the same thing.
 */
export function businessReasonFor(
  type: UserAlertType,
  business: BusinessDefaults,
  profile: Profile | null,
): string | null {
  if (!business.alerts[type].enabled) {
    return `Your business has turned off ${alertTypeLabels[type]}`;
  }
  if (
    isRecipientAlertType(type) &&
    profile &&
    !business.recipients.some((recipient) => recipient.userId === profile.user.id)
  ) {
    return `You are not on your business's recipients list for ${alertTypeLabels[type]}`;
  }
  return null;
}

/** Why the business keeps a channel from this user, or null. */
export function channelReasonFor(channel: Channel, business: BusinessDefaults): string | null {
  return business.allowedChannels[channel]
    ? null
    : `Your business does not allow ${channelLabels[channel]} notifications`;
}

/**
 * The user's switch for one alert type, disabled with the reason when the business turned it
 * off, with its effective value under it (from `diagnose`) and a "Why?" link.
 */
export function AlertToggle({
  type,
  description,
  diagnosis,
}: {
  type: UserAlertType;
  description?: string;
  diagnosis?: Diagnosis | undefined;
}) {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const error = usePreferencesStore((state) => state.errors[`alerts.${type}`]);
  const update = usePreferencesStore((state) => state.update);
  const profile = useSessionStore((state) => state.profile);
  if (!snapshot) return null;
  const reason = businessReasonFor(type, snapshot.business, profile);
  const notes = [description, requiredWords(type, snapshot.locks)].filter(Boolean).join(' ');
  return (
    <Toggle
      label={sentence(alertTypeLabels[type])}
      checked={snapshot.preferences.alerts[type]}
      disabledReason={reason}
      lock={controlLock(snapshot.locks, `alerts.${type}`)}
      error={error}
      testId={`alert-${type}`}
      {...(notes ? { description: notes } : {})}
      onChange={(checked) =>
        void update(`alerts.${type}`, (preferences) => {
          preferences.alerts[type] = checked;
        })
      }
    >
      {diagnosis && profile ? (
        <EffectiveNote type={type} diagnosis={diagnosis} businessName={profile.business.name} />
      ) : null}
    </Toggle>
  );
}
