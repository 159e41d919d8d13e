import { useMemo, useState } from 'react';
import { getCountries } from 'libphonenumber-js/max';
import {
  alertTypeLabels,
  alertTypes,
  channelLabels,
  channels,
  isAccountAlertType,
  type AlertType,
  type Channel,
} from '../../common/alert-types';
import {
  emailAddressSchema,
  formatPhoneNumber,
  phoneInputSchema,
} from '../../common/contact-points';
import { defaultRecipient } from '../../common/defaults';
import { isAdmin, type BusinessDefaults } from '../../common/preferences';
import {
  ChannelChecks,
  countryNameOf,
  FieldMessage,
  ScoreSlider,
  SettingsSection,
  sentence,
  ValidatedField,
} from '../components/controls';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

/**
 * Keeps mandatory channels possible after an edit: one the business no longer sends (type off,
 * channel off for the type or not allowed) stops being mandatory (`businessDefaultsSchema`).
 */
function keepMandatoryPossible(draft: BusinessDefaults): void {
  for (const type of alertTypes) {
    const entry = draft.alerts[type];
    for (const channel of channels) {
      if (!entry.enabled || !entry.channels[channel] || !draft.allowedChannels[channel]) {
        entry.mandatory[channel] = false;
      }
    }
  }
}

/** Whether the business may make `type` mandatory on `channel` (account alerts: email only). */
function mayRequire(type: AlertType, channel: Channel): boolean {
  return !isAccountAlertType(type) || channel === 'email';
}

function useAdmin(): boolean {
  const role = useSessionStore((state) => state.profile?.user.role);
  return role !== undefined && isAdmin(role);
}

/** Admins: which alert types are on, which channels each may use, allowed channels, sender identity. */
export function BusinessDefaultsSection() {
  const admin = useAdmin();
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const updateBusiness = usePreferencesStore((state) => state.updateBusiness);
  const country = snapshot?.business.country ?? null;
  const phoneSchema = useMemo(() => phoneInputSchema(country, 'textSender'), [country]);
  const countries = useMemo(
    () =>
      getCountries()
        .map((code) => ({ code, name: countryNameOf(code) }))
        .sort((left, right) => left.name.localeCompare(right.name)),
    [],
  );
  if (!admin || !snapshot) return null;
  const business = snapshot.business;
  return (
    <SettingsSection
      id="businessDefaults"
      title="Business defaults"
      intro="What everyone in the business can receive, and what they must. People can turn alerts off for themselves, never on past these, and never off where the business requires a channel."
    >
      <div className="allowed-channels">
        <ChannelChecks
          idPrefix="allowed"
          legend="Channels the business allows"
          values={business.allowedChannels}
          onChange={(channel, on) =>
            void updateBusiness('business.allowedChannels', (draft) => {
              draft.allowedChannels[channel] = on;
              keepMandatoryPossible(draft);
            })
          }
        />
        <FieldMessage
          id="allowed-channels-error"
          kind="error"
          message={errors['business.allowedChannels']}
        />
      </div>
      <div className="two-columns">
        <ValidatedField
          label="Business email for notifications"
          type="email"
          value={business.notificationEmail}
          schema={emailAddressSchema}
          allowEmpty
          hint="The sender of alert emails."
          error={errors['business.notificationEmail']}
          testId="business-email"
          onCommit={(address) =>
            void updateBusiness('business.notificationEmail', (draft) => {
              draft.notificationEmail = address;
            })
          }
        />
        <ValidatedField
          label="Business phone for notifications"
          type="tel"
          value={
            business.notificationPhone === null
              ? null
              : formatPhoneNumber(business.notificationPhone, country)
          }
          schema={phoneSchema}
          allowEmpty
          placeholder={country === 'US' ? '(415) 555-2671' : '+1 415 555 2671'}
          hint="The sender of alert texts. Type it as you dial it, or with + and the country code."
          error={errors['business.notificationPhone']}
          testId="business-phone"
          onCommit={(number) =>
            void updateBusiness('business.notificationPhone', (draft) => {
              draft.notificationPhone = number;
            })
          }
        />
        <div className="field">
          <label htmlFor="business-country">Country</label>
          <select
            id="business-country"
            data-testid="business-country"
            value={business.country}
            aria-describedby="business-country-hint"
            onChange={(event) => {
              const next = event.target.value;
              void updateBusiness('business.country', (draft) => {
                draft.country = next;
              });
            }}
          >
            {countries.map(({ code, name }) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
          <p id="business-country-hint" className="field-note">
            Phone numbers typed without + and a country code are read as this country&apos;s.
          </p>
          <FieldMessage
            id="business-country-error"
            kind="error"
            message={errors['business.country']}
          />
        </div>
      </div>
      <FieldMessage id="business-alerts-error" kind="error" message={errors['business.alerts']} />
      <div className="table-scroll">
        <table className="defaults-table">
          <caption>
            Alert types, the channels each may use, and the channels the business requires
          </caption>
          <thead>
            <tr>
              <th scope="col">Alert type</th>
              <th scope="col">On</th>
              {channels.map((channel) => (
                <th key={channel} scope="col">
                  {sentence(channelLabels[channel])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {alertTypes.map((type) => {
              const entry = business.alerts[type];
              const label = sentence(alertTypeLabels[type]);
              return (
                <tr key={type} data-alert-type={type}>
                  <th scope="row">{label}</th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${label}: on for the business`}
                      data-testid={`business-alert-${type}`}
                      checked={entry.enabled}
                      onChange={(event) => {
                        const on = event.target.checked;
                        void updateBusiness('business.alerts', (draft) => {
                          draft.alerts[type].enabled = on;
                          keepMandatoryPossible(draft);
                        });
                      }}
                    />
                  </td>
                  {channels.map((channel) => {
                    const sends =
                      entry.enabled && entry.channels[channel] && business.allowedChannels[channel];
                    return (
                      <td key={channel}>
                        <span className="inline-check">
                          <input
                            type="checkbox"
                            aria-label={`${label} by ${channelLabels[channel]}`}
                            checked={entry.channels[channel]}
                            disabled={!entry.enabled || !business.allowedChannels[channel]}
                            onChange={(event) => {
                              const on = event.target.checked;
                              void updateBusiness('business.alerts', (draft) => {
                                draft.alerts[type].channels[channel] = on;
                                keepMandatoryPossible(draft);
                              });
                            }}
                          />
                          {mayRequire(type, channel) ? (
                            <label className="required-check">
                              <input
                                type="checkbox"
                                data-testid={`required-${type}-${channel}`}
                                checked={entry.mandatory[channel]}
                                disabled={!sends}
                                onChange={(event) => {
                                  const on = event.target.checked;
                                  void updateBusiness('business.alerts', (draft) => {
                                    draft.alerts[type].mandatory[channel] = on;
                                  });
                                }}
                              />
                              <span className="visually-hidden">
                                {`${label} by ${channelLabels[channel]}: `}
                              </span>
                              required
                            </label>
                          ) : null}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </SettingsSection>
  );
}

/** Admins: who receives lead, usage and billing alerts, through which channels, from which score. */
export function RecipientsSection() {
  const admin = useAdmin();
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const updateBusiness = usePreferencesStore((state) => state.updateBusiness);
  const [choice, setChoice] = useState('');
  if (!admin || !snapshot || !profile) return null;
  const recipients = snapshot.business.recipients;
  const candidates = profile.team.filter(
    (member) => !recipients.some((recipient) => recipient.userId === member.id),
  );
  const nameOf = (userId: string) =>
    profile.team.find((member) => member.id === userId)?.name ?? userId;
  const selected = candidates.some((member) => member.id === choice)
    ? choice
    : (candidates[0]?.id ?? '');

  return (
    <SettingsSection
      id="recipients"
      title="Recipients"
      intro="Team members who receive lead, usage and billing alerts, each with their own channels and lead score threshold."
    >
      <div className="inline-controls">
        <label htmlFor="recipient-choice">Team member</label>
        <select
          id="recipient-choice"
          value={selected}
          disabled={candidates.length === 0}
          onChange={(event) => setChoice(event.target.value)}
        >
          {candidates.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!selected}
          onClick={() =>
            void updateBusiness('business.recipients', (draft) => {
              draft.recipients.push(defaultRecipient(selected));
            })
          }
        >
          Add recipient
        </button>
      </div>
      <FieldMessage id="recipients-error" kind="error" message={errors['business.recipients']} />
      {recipients.length === 0 ? <p>No one receives lead, usage and billing alerts yet.</p> : null}
      <ul className="recipient-list">
        {recipients.map((recipient, index) => {
          const name = nameOf(recipient.userId);
          const sliderId = `recipient-threshold-${recipient.userId}`;
          return (
            <li key={recipient.userId} className="recipient-row" data-recipient={recipient.userId}>
              <h3>{name}</h3>
              <ChannelChecks
                idPrefix={`recipient-${recipient.userId}`}
                legend={`Channels for ${name}`}
                legendHidden
                values={recipient.channels}
                disabledReason={(channel) =>
                  snapshot.business.allowedChannels[channel]
                    ? null
                    : 'the business does not allow this channel (see Business defaults)'
                }
                onChange={(channel, on) =>
                  void updateBusiness('business.recipients', (draft) => {
                    const entry = draft.recipients[index];
                    if (entry) entry.channels[channel] = on;
                  })
                }
              />
              <ScoreSlider
                id={sliderId}
                label={`Lead score threshold for ${name}`}
                value={recipient.leadScoreThreshold}
                testId={sliderId}
                onCommit={(threshold) =>
                  void updateBusiness('business.recipients', (draft) => {
                    const entry = draft.recipients[index];
                    if (entry) entry.leadScoreThreshold = threshold;
                  })
                }
              />
              <button
                type="button"
                aria-label={`Remove ${name} from recipients`}
                onClick={() =>
                  void updateBusiness('business.recipients', (draft) => {
                    draft.recipients.splice(index, 1);
                  })
                }
              >
                Remove
              </button>
            </li>
          );
        })}
      </ul>
    </SettingsSection>
  );
}
