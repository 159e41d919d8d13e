import {
  accountAlertTypes,
  alertTypeLabels,
  appointmentAlertTypes,
  communicationAlertTypes,
  highSmsRule,
} from '../../common/alert-types';
import { lockedValue, lockOf } from '../../common/locks';
import { isAdmin } from '../../common/preferences';
import { AlertToggle } from '../components/alert-toggle';
import { ScoreSlider, SettingsSection, sentence, Toggle } from '../components/controls';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

/** Calls, texts, voicemails, faxes (personal line and ring groups), mentions, assignments. */
export function CommunicationSection() {
  const fisherMode = usePreferencesStore((state) => state.snapshot?.preferences.fisherMode);
  const error = usePreferencesStore((state) => state.errors['fisherMode']);
  const update = usePreferencesStore((state) => state.update);
  return (
    <SettingsSection
      id="communication"
      title="Communication"
      intro="Which calls, messages and assignments alert you."
    >
      <div className="toggle-grid">
        {communicationAlertTypes.map((type) => (
          <AlertToggle key={type} type={type} />
        ))}
      </div>
      <h3>Fisher Mode</h3>
      <Toggle
        label="Fisher Mode"
        checked={fisherMode ?? false}
        description="While you are on a call, still offer you calls queued in your ring groups."
        error={error}
        testId="fisher-mode"
        onChange={(checked) =>
          void update('fisherMode', (preferences) => {
            preferences.fisherMode = checked;
          })
        }
      />
    </SettingsSection>
  );
}

/** Appointment created, and the four reminder offsets. */
export function AppointmentsSection() {
  return (
    <SettingsSection
      id="appointments"
      title="Appointments"
      intro="New appointments and reminders before they start."
    >
      <div className="toggle-grid">
        {appointmentAlertTypes.map((type) => (
          <AlertToggle key={type} type={type} />
        ))}
      </div>
    </SettingsSection>
  );
}

/** Bursts of texts from one contact, with the rule spelled out. */
export function HighSmsSection() {
  return (
    <SettingsSection
      id="highSms"
      title="High-SMS alerts"
      intro={`You get one alert when one contact sends more than ${highSmsRule.moreThan} messages within ${highSmsRule.windowSeconds} seconds from the same number to the same line.`}
    >
      <AlertToggle type="highSms" />
    </SettingsSection>
  );
}

/** New leads, lead updates and the lead score threshold. */
export function LeadsSection() {
  const threshold = usePreferencesStore((state) => state.snapshot?.preferences.leadScoreThreshold);
  const error = usePreferencesStore((state) => state.errors['leadScoreThreshold']);
  const update = usePreferencesStore((state) => state.update);
  return (
    <SettingsSection
      id="leads"
      title="Leads"
      intro="Lead alerts go to the members of your business's recipients list."
    >
      <AlertToggle type="leadNew" />
      <AlertToggle type="leadUpdated" />
      <ScoreSlider
        id="lead-threshold"
        label="Only alert me for leads scoring at least"
        value={threshold ?? 0}
        error={error}
        testId="lead-threshold"
        onCommit={(next) =>
          void update('leadScoreThreshold', (preferences) => {
            preferences.leadScoreThreshold = next;
          })
        }
      />
    </SettingsSection>
  );
}

/** Usage at 75/90/100% and payment failures. */
export function UsageSection() {
  return (
    <SettingsSection
      id="usage"
      title="Usage and billing"
      intro="How much of your plan the business has used, and failed payments."
    >
      <AlertToggle type="usage75" />
      <AlertToggle type="usage90" />
      <AlertToggle type="usage100" />
      <AlertToggle type="paymentFailed" />
    </SettingsSection>
  );
}

/** Admin-only reports and warnings (email only). Not rendered at all for agents. */
export function AccountSection() {
  const role = useSessionStore((state) => state.profile?.user.role);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const update = usePreferencesStore((state) => state.update);
  if (!snapshot || !role || !isAdmin(role)) return null;
  return (
    <SettingsSection
      id="account"
      title="Account-level reports"
      intro="Reports and warnings about the whole account. They are sent by email only."
    >
      <div className="toggle-grid">
        {accountAlertTypes.map((type) => {
          const lock = lockOf(snapshot.locks, `accountAlerts.${type}`);
          const reason = !snapshot.business.alerts[type].enabled
            ? `Your business has turned off ${alertTypeLabels[type]}`
            : type === 'billingWarning' && role !== 'billingAdmin'
              ? 'Only billing admins receive billing warnings'
              : (lock?.reason ?? null);
          return (
            <Toggle
              key={type}
              label={sentence(alertTypeLabels[type])}
              checked={
                lock
                  ? lockedValue(lock, `accountAlerts.${type}`) === true
                  : snapshot.preferences.accountAlerts[type]
              }
              disabledReason={reason}
              error={errors[`accountAlerts.${type}`]}
              testId={`account-${type}`}
              onChange={(checked) =>
                void update(`accountAlerts.${type}`, (preferences) => {
                  preferences.accountAlerts[type] = checked;
                })
              }
            />
          );
        })}
      </div>
    </SettingsSection>
  );
}
