import { channelLabels, channels, type Channel } from '../../common/alert-types';
import {
  emailAddressSchema,
  formatPhoneNumber,
  phoneNumberSchema,
} from '../../common/contact-points';
import type { TestNotificationResult } from '../../common/service-api';
import { channelReasonFor } from '../components/alert-toggle';
import { SettingsSection, Toggle, ValidatedField } from '../components/controls';
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
export function describeTestResult(result: TestNotificationResult): string {
  if (!result.delivered) return `Not sent: ${result.reason ?? 'no reason given'}`;
  switch (result.channel) {
    case 'desktop':
      return 'Pop-up raised on this computer';
    case 'inApp':
      return 'Added to your in-app notifications';
    case 'email':
    case 'text':
      return `Recorded by the service: sent to ${result.destination ? formatDestination(result.destination) : 'your default address'}`;
  }
}

function formatDestination(destination: string): string {
  return destination.startsWith('+') ? formatPhoneNumber(destination) : destination;
}

function describeOutcome(outcome: TestOutcome | undefined): string | null {
  if (!outcome) return null;
  switch (outcome.state) {
    case 'sending':
      return 'Sending…';
    case 'failed':
      return `Could not send: ${outcome.message}`;
    case 'done':
      return describeTestResult(outcome.result);
  }
}

function TestButton({ channel }: { channel: Channel }) {
  const outcome = useNotificationsStore((state) => state.tests[channel]);
  const sendTest = useNotificationsStore((state) => state.sendTest);
  const text = describeOutcome(outcome);
  const resultId = `test-result-${channel}`;
  return (
    <div className="test-row">
      <button
        type="button"
        data-testid={`test-${channel}`}
        aria-describedby={resultId}
        onClick={() => void sendTest(channel)}
      >
        Send a test {channelLabels[channel]} notification
      </button>
      <p id={resultId} className="test-result" role="status" data-testid={`test-result-${channel}`}>
        {text}
      </p>
    </div>
  );
}

/** Desktop, in-app, email (with an address) and text (with an optional custom number). */
export function ChannelsSection() {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const update = usePreferencesStore((state) => state.update);
  const profile = useSessionStore((state) => state.profile);
  if (!snapshot) return null;
  const { channels: mine } = snapshot.preferences;
  const business = snapshot.business;
  const backupPhone = profile?.user.backupPhone ?? null;
  const accountEmail = profile?.user.email ?? null;
  const textOn = mine.text.enabled;
  const customInUse = mine.text.useCustomNumber && mine.text.customNumber !== null;
  const backupWords = backupPhone
    ? `your backup phone, ${formatPhoneNumber(backupPhone)}`
    : 'your backup phone, but your account has none: add one or a custom number';
  const textDestination = !textOn
    ? `Text messages are off. Turned on without a custom number, they go to ${backupWords}.`
    : customInUse && mine.text.customNumber
      ? `Texts go to ${formatPhoneNumber(mine.text.customNumber)}.`
      : `Texts go to ${backupWords}.`;

  return (
    <SettingsSection
      id="channels"
      title="Channels"
      intro="How alerts reach you. Each alert type uses every channel that is on here."
    >
      {channels.map((channel) => {
        const reason = channelReasonFor(channel, business);
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
                  error={errors['channels.text.useCustomNumber']}
                  testId="use-custom-number"
                  onChange={(on) =>
                    void update('channels.text.useCustomNumber', (draft) => {
                      draft.channels.text.useCustomNumber = on;
                    })
                  }
                />
                <ValidatedField
                  label="Custom number (with country code)"
                  type="tel"
                  value={mine.text.customNumber}
                  schema={phoneNumberSchema}
                  allowEmpty
                  disabled={!textOn}
                  placeholder="+1 415 555 2671"
                  hint={<span data-testid="text-destination">{textDestination}</span>}
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
    </SettingsSection>
  );
}
