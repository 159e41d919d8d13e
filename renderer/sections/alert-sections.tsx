import {
  accountAlertTypes,
  alertTypeLabels,
  type AlertType,
  appointmentAlertTypes,
  communicationAlertTypes,
  highSmsRule,
  type UserAlertType,
} from '../../common/alert-types';
import type { Diagnosis, RecipientContext } from '../../common/policy/context';
import { effectiveLeadThreshold } from '../../common/policy/gates';
import { isAdmin } from '../../common/preferences';
import { AlertToggle } from '../components/alert-toggle';
import { ScoreSlider, SettingsSection, sentence, Toggle } from '../components/controls';
import { EffectiveNote } from '../components/effective-note';
import { controlLock, neverApplies } from '../effective';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

/** Each alert type's diagnosis now, computed once per page by `diagnose` (common/policy). */
export type Diagnoses = ReadonlyMap<AlertType, Diagnosis>;

/** The types of `types` that can reach this person, and a note for those that never can. */
export function applicable<Type extends AlertType>(
  types: readonly Type[],
  diagnoses: Diagnoses,
): { shown: Type[]; hidden: Type[] } {
  const shown: Type[] = [];
  const hidden: Type[] = [];
  for (const type of types) {
    const diagnosis = diagnoses.get(type);
    (diagnosis && neverApplies(diagnosis) ? hidden : shown).push(type);
  }
  return { shown, hidden };
}

/**
 * Says which alert types are not shown because they can never reach this person (the policy's
 * own reason) and what would add them.
 */
export function HiddenNote({
  types,
  diagnoses,
  adds,
  testId,
}: {
  types: readonly AlertType[];
  diagnoses: Diagnoses;
  adds: string;
  testId: string;
}) {
  if (types.length === 0) return null;
  const codes = new Set(
    types.flatMap((type) => (diagnoses.get(type)?.reasons ?? []).map((reason) => reason.code)),
  );
  const why = Object.entries(hiddenWords)
    .filter(([code]) => codes.has(code as keyof typeof hiddenWords))
    .map(([, words]) => words)
    .join('; ');
  const names = types.map((type) => alertTypeLabels[type]);
  return (
    <p className="field-note hidden-note" data-testid={testId}>
      Not shown: {names.join(', ')} ({why}). {adds}
    </p>
  );
}

/** Why a type never reaches this person, by the policy's reason code, in a few words. */
const hiddenWords = {
  notRecipient: "you are not on your business's recipients list",
  notAdmin: 'they go to admins',
  notBillingAdmin: 'they go to billing admins',
  notOnLine: 'you have no line they arrive on',
} as const;

/** The switches of one group of types: those that can reach this person, and a note for the rest. */
function AlertToggles({
  types,
  diagnoses,
  adds,
  testId,
}: {
  types: readonly UserAlertType[];
  diagnoses: Diagnoses;
  adds: string;
  testId: string;
}) {
  const { shown, hidden } = applicable(types, diagnoses);
  return (
    <>
      <div className="toggle-grid">
        {shown.map((type) => (
          <AlertToggle key={type} type={type} diagnosis={diagnoses.get(type)} />
        ))}
      </div>
      <HiddenNote types={hidden} diagnoses={diagnoses} adds={adds} testId={testId} />
    </>
  );
}

const lineWords = 'A line or ring group of yours that they arrive on would add them.';

/** Calls, texts, voicemails, faxes (personal line and ring groups), mentions, assignments. */
export function CommunicationSection({ diagnoses }: { diagnoses: Diagnoses }) {
  const fisherMode = usePreferencesStore((state) => state.snapshot?.preferences.fisherMode);
  const locks = usePreferencesStore((state) => state.snapshot?.locks);
  const error = usePreferencesStore((state) => state.errors['fisherMode']);
  const update = usePreferencesStore((state) => state.update);
  return (
    <SettingsSection
      id="communication"
      title="Communication"
      intro="Which calls, messages and assignments alert you."
    >
      <AlertToggles
        types={communicationAlertTypes}
        diagnoses={diagnoses}
        adds={lineWords}
        testId="hidden-communication"
      />
      <h3>Fisher Mode</h3>
      <Toggle
        label="Fisher Mode"
        checked={fisherMode ?? false}
        lock={controlLock(locks ?? [], 'fisherMode')}
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
export function AppointmentsSection({ diagnoses }: { diagnoses: Diagnoses }) {
  return (
    <SettingsSection
      id="appointments"
      title="Appointments"
      intro="New appointments and reminders before they start."
    >
      <AlertToggles
        types={appointmentAlertTypes}
        diagnoses={diagnoses}
        adds=""
        testId="hidden-appointments"
      />
    </SettingsSection>
  );
}

/** Bursts of texts from one contact, with the rule spelled out; not shown without a line. */
export function HighSmsSection({ diagnoses }: { diagnoses: Diagnoses }) {
  const { shown } = applicable(['highSms'] as const, diagnoses);
  if (shown.length === 0) return null;
  return (
    <SettingsSection
      id="highSms"
      title="High-SMS alerts"
      intro={`You get one alert when one contact sends more than ${highSmsRule.moreThan} messages within ${highSmsRule.windowSeconds} seconds from the same number to the same line.`}
    >
      <AlertToggle type="highSms" diagnosis={diagnoses.get('highSms')} />
    </SettingsSection>
  );
}

const recipientWords =
  "Members on your business's recipients list get these; an admin can add you on the Recipients page.";

/**
 * New leads, lead updates and the lead score threshold, with the threshold in force when the
 * business's is stricter ("Your threshold 50 — your business uses 70 for you").
 */
export function LeadsSection({
  diagnoses,
  context,
}: {
  diagnoses: Diagnoses;
  context: RecipientContext;
}) {
  const threshold = usePreferencesStore((state) => state.snapshot?.preferences.leadScoreThreshold);
  const locks = usePreferencesStore((state) => state.snapshot?.locks);
  const error = usePreferencesStore((state) => state.errors['leadScoreThreshold']);
  const update = usePreferencesStore((state) => state.update);
  const profile = useSessionStore((state) => state.profile);
  const { shown, hidden } = applicable(['leadNew', 'leadUpdated'] as const, diagnoses);
  const effective = effectiveLeadThreshold(context);
  return (
    <SettingsSection
      id="leads"
      title="Leads"
      intro="Lead alerts go to the members of your business's recipients list."
    >
      {shown.map((type) => (
        <AlertToggle key={type} type={type} diagnosis={diagnoses.get(type)} />
      ))}
      <HiddenNote
        types={hidden}
        diagnoses={diagnoses}
        adds={recipientWords}
        testId="hidden-leads"
      />
      {shown.length > 0 ? (
        <>
          <ScoreSlider
            id="lead-threshold"
            label="Only alert me for leads scoring at least"
            value={threshold ?? 0}
            lock={controlLock(locks ?? [], 'leadScoreThreshold')}
            error={error}
            testId="lead-threshold"
            onCommit={(next) =>
              void update('leadScoreThreshold', (preferences) => {
                preferences.leadScoreThreshold = next;
              })
            }
          />
          <p className="effective" data-testid="lead-threshold-effective">
            {effective.setBy === 'business'
              ? `Your threshold ${threshold ?? 0} — ${profile?.business.name ?? 'your business'} uses ${effective.threshold} for you`
              : `In force: ${effective.threshold}`}
          </p>
        </>
      ) : null}
    </SettingsSection>
  );
}

/** Usage at 75/90/100% and payment failures. */
export function UsageSection({ diagnoses }: { diagnoses: Diagnoses }) {
  return (
    <SettingsSection
      id="usage"
      title="Usage and billing"
      intro="How much of your plan the business has used, and failed payments."
    >
      <AlertToggles
        types={['usage75', 'usage90', 'usage100', 'paymentFailed']}
        diagnoses={diagnoses}
        adds={recipientWords}
        testId="hidden-usage"
      />
    </SettingsSection>
  );
}

/** Admin-only reports and warnings (email only). Not rendered at all for agents. */
export function AccountSection({ diagnoses }: { diagnoses: Diagnoses }) {
  const businessName = useSessionStore((state) => state.profile?.business.name ?? '');
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
          const diagnosis = diagnoses.get(type);
          const reason = !snapshot.business.alerts[type].enabled
            ? `Your business has turned off ${alertTypeLabels[type]}`
            : type === 'billingWarning' && role !== 'billingAdmin'
              ? 'Only billing admins receive billing warnings'
              : null;
          return (
            <Toggle
              key={type}
              label={sentence(alertTypeLabels[type])}
              checked={snapshot.preferences.accountAlerts[type]}
              lock={controlLock(snapshot.locks, `accountAlerts.${type}`)}
              disabledReason={reason}
              error={errors[`accountAlerts.${type}`]}
              testId={`account-${type}`}
              onChange={(checked) =>
                void update(`accountAlerts.${type}`, (preferences) => {
                  preferences.accountAlerts[type] = checked;
                })
              }
            >
              {diagnosis ? (
                <EffectiveNote type={type} diagnosis={diagnosis} businessName={businessName} />
              ) : null}
            </Toggle>
          );
        })}
      </div>
    </SettingsSection>
  );
}
