import { useMemo } from 'react';
import {
  alertTypeLabels,
  channelLabels,
  channels,
  userAlertTypes,
  type Channel,
} from '../../common/alert-types';
import {
  emailAddressSchema,
  formatPhoneNumber,
  phoneInputSchema,
} from '../../common/contact-points';
import { channelField, type SettingLock } from '../../common/locks';
import { outboundLimits } from '../../common/outbound';
import type { TestNotificationResult } from '../../common/service-api';
import { channelReasonFor } from '../components/alert-toggle';
import {
  countryNameOf,
  FieldMessage,
  LockNote,
  SettingsSection,
  Toggle,
  ValidatedField,
} from '../components/controls';
import { controlLock } from '../effective';
import { masterField, testNotificationBlock } from '../effective-words';
import { ChannelTable } from './channel-table';
import { useNotificationsStore, type TestOutcome } from '../stores/notifications-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

const channelTitles: Record<Channel, string> = {
  desktop: 'Desktop pop-ups',
  inApp: 'In-app notifications',
  email: 'Email',
  text: 'Text messages (SMS)',
};

/** What a test notification did, in words: raised, recorded by the service, or why not. */
export function describeTestResult(
  result: TestNotificationResult,
  country: string | null = null,
): string {
  if (!result.delivered) return `Not sent: ${result.reason ?? 'no reason given'}`;
  switch (result.channel) {
    case 'desktop':
      return 'Pop-up raised on this computer';
    case 'inApp':
      return 'Added to your in-app notifications';
    case 'email':
    case 'text':
      return `Recorded by the service: sent to ${result.destination ? formatDestination(result.destination, country) : 'your default address'}`;
  }
}

function formatDestination(destination: string, country: string | null): string {
  return destination.startsWith('+') ? formatPhoneNumber(destination, country) : destination;
}

/**
 * What a master switch cannot turn off: each alert type a lock holds on for its channel, in the
 * lock's words (the business's own; the organisation's named as such).
 */
function stillOn(channel: Channel, locks: readonly SettingLock[]): string | undefined {
  const reasons = userAlertTypes.flatMap((type) => {
    const field = channelField(type, channel);
    const lock = field === null ? null : controlLock(locks, field);
    if (lock?.value !== true) return [];
    return lock.source === 'business'
      ? [lock.reason]
      : [`Your organisation requires ${alertTypeLabels[type]} by ${channelLabels[channel]}`];
  });
  return reasons.length === 0 ? undefined : `Stays on where required: ${reasons.join('; ')}.`;
}

/** How the service spaces out emails and texts (`outboundLimits`), in words. */
function limitWords(channel: 'email' | 'text'): string {
  const { burstWindowMinutes, perHour } = outboundLimits[channel];
  const many = channel === 'email' ? 'emails' : 'texts';
  return `A burst of one kind of alert on one line is one message, then one summary every ${burstWindowMinutes} minutes; at most ${perHour} ${many} an hour, the rest in one summary at the end of the hour. Payment failures, usage at 100% and billing warnings always go at once.`;
}

function describeOutcome(outcome: TestOutcome | undefined, country: string | null): string | null {
  if (!outcome) return null;
  switch (outcome.state) {
    case 'sending':
      return 'Sending…';
    case 'failed':
      return `Could not send: ${outcome.message}`;
    case 'done':
      return describeTestResult(outcome.result, country);
  }
}

/** "Send a test … notification": disabled, with the reason, when the sample could not go. */
function TestButton({ channel }: { channel: Channel }) {
  const outcome = useNotificationsStore((state) => state.tests[channel]);
  const sendTest = useNotificationsStore((state) => state.sendTest);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const country = snapshot?.business.country ?? null;
  const text = describeOutcome(outcome, country);
  const resultId = `test-result-${channel}`;
  const reasonId = `test-blocked-${channel}`;
  const blocked = snapshot ? testNotificationBlock(channel, snapshot) : null;
  return (
    <div className="test-row">
      <button
        type="button"
        data-testid={`test-${channel}`}
        disabled={blocked !== null}
        aria-describedby={blocked ? `${reasonId} ${resultId}` : resultId}
        onClick={() => void sendTest(channel)}
      >
        Send a test {channelLabels[channel]} notification
      </button>
      {blocked?.lock ? (
        <LockNote id={reasonId} lock={blocked.lock} />
      ) : (
        <FieldMessage id={reasonId} kind="note" message={blocked?.reason} />
      )}
      <p id={resultId} className="test-result" role="status" data-testid={`test-result-${channel}`}>
        {text}
      </p>
    </div>
  );
}

/**
 * The master switches (desktop, in-app, email with an address, text with an optional custom
 * number) and below them the channels of each alert type (`ChannelTable`).
 */
export function ChannelsSection() {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const update = usePreferencesStore((state) => state.update);
  const profile = useSessionStore((state) => state.profile);
  const country = snapshot?.business.country ?? null;
  const numberSchema = useMemo(() => phoneInputSchema(country, 'textDestination'), [country]);
  const countryName = useMemo(() => (country ? countryNameOf(country) : null), [country]);
  if (!snapshot) return null;
  const { channels: mine } = snapshot.preferences;
  const business = snapshot.business;
  const backupPhone = profile?.user.backupPhone ?? null;
  const accountEmail = profile?.user.email ?? null;
  const textOn = mine.text.enabled;
  const customInUse = mine.text.useCustomNumber && mine.text.customNumber !== null;
  const backupWords = backupPhone
    ? `your backup phone, ${formatPhoneNumber(backupPhone, country)}`
    : 'your backup phone, but your account has none: add one or a custom number';
  const textDestination = !textOn
    ? `Text messages are off. Turned on without a custom number, they go to ${backupWords}.`
    : customInUse && mine.text.customNumber
      ? `Texts go to ${formatPhoneNumber(mine.text.customNumber, country)}.`
      : `Texts go to ${backupWords}.`;

  return (
    <SettingsSection
      id="channels"
      title="Channels"
      intro="How alerts reach you. A switch here is a master switch: off is off for every alert type, except what your business requires. Below, choose the channels of each alert type."
    >
      {channels.map((channel) => {
        const reason = channelReasonFor(channel, business);
        const description = [
          stillOn(channel, snapshot.locks),
          channel === 'email' || channel === 'text' ? limitWords(channel) : undefined,
        ]
          .filter(Boolean)
          .join(' ');
        const checked =
          channel === 'desktop'
            ? mine.desktop
            : channel === 'inApp'
              ? mine.inApp
              : mine[channel].enabled;
        return (
          <div key={channel} className="channel-block" data-channel={channel}>
            <h3>{channelTitles[channel]}</h3>
            <Toggle
              label={`Send ${channelLabels[channel]} notifications`}
              checked={checked}
              disabledReason={reason}
              lock={controlLock(snapshot.locks, masterField(channel))}
              {...(description ? { description } : {})}
              error={errors[`channels.${channel}`]}
              testId={`channel-${channel}`}
              onChange={(on) =>
                void update(`channels.${channel}`, (draft) => {
                  if (channel === 'desktop') draft.channels.desktop = on;
                  else if (channel === 'inApp') draft.channels.inApp = on;
                  else if (channel === 'email') draft.channels.email.enabled = on;
                  else {
                    draft.channels.text.enabled = on;
                    // Off means no texts at all, not even to the custom number.
                    if (!on) draft.channels.text.useCustomNumber = false;
                  }
                })
              }
            />
            {channel === 'email' ? (
              <ValidatedField
                label="Email address for alerts"
                type="email"
                value={mine.email.address}
                schema={emailAddressSchema}
                allowEmpty
                disabled={!mine.email.enabled}
                lock={controlLock(snapshot.locks, 'channels.email.address')}
                placeholder={accountEmail ?? 'name@example.com'}
                hint={
                  mine.email.address
                    ? 'Leave empty to use the address of your account.'
                    : `Empty: emails go to the address of your account${accountEmail ? `, ${accountEmail}` : ''}.`
                }
                error={errors['channels.email.address']}
                testId="email-address"
                onCommit={(address) =>
                  void update('channels.email.address', (draft) => {
                    draft.channels.email.address = address;
                  })
                }
              />
            ) : null}
            {channel === 'text' ? (
              <fieldset className="custom-number" disabled={!textOn}>
                <legend>Custom number</legend>
                <Toggle
                  label="Send texts to a custom number instead of my backup phone"
                  checked={mine.text.useCustomNumber}
                  disabledReason={textOn ? null : 'Turn text messages on to use a custom number'}
                  lock={controlLock(snapshot.locks, 'channels.text.useCustomNumber')}
                  error={errors['channels.text.useCustomNumber']}
                  testId="use-custom-number"
                  onChange={(on) =>
                    void update('channels.text.useCustomNumber', (draft) => {
                      draft.channels.text.useCustomNumber = on;
                    })
                  }
                />
                <ValidatedField
                  label="Custom number"
                  type="tel"
                  value={
                    mine.text.customNumber === null
                      ? null
                      : formatPhoneNumber(mine.text.customNumber, country)
                  }
                  schema={numberSchema}
                  allowEmpty
                  disabled={!textOn}
                  lock={controlLock(snapshot.locks, 'channels.text.customNumber')}
                  placeholder={country === 'US' ? '(415) 555-2671' : '+1 415 555 2671'}
                  hint={
                    <>
                      <span data-testid="text-destination">{textDestination}</span> Type it as you
                      dial it{countryName ? ` in ${countryName}` : ''}, or with + and the country
                      code.
                    </>
                  }
                  error={errors['channels.text.customNumber']}
                  testId="custom-number"
                  onCommit={(number) =>
                    void update('channels.text.customNumber', (draft) => {
                      draft.channels.text.customNumber = number;
                      // A typed number is meant to be used; a cleared one falls back to the backup phone.
                      draft.channels.text.useCustomNumber = number !== null;
                    })
                  }
                />
              </fieldset>
            ) : null}
            <TestButton channel={channel} />
          </div>
        );
      })}
      <h3>Per alert type</h3>
      <ChannelTable />
    </SettingsSection>
  );
}
