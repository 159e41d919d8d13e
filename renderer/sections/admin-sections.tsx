import { useMemo, type ReactNode } from 'react';
import { getCountries } from 'libphonenumber-js/max';
import {
  emailAddressSchema,
  formatPhoneNumber,
  phoneInputSchema,
} from '../../common/contact-points';
import { isAdmin } from '../../common/preferences';
import {
  ChannelChecks,
  countryNameOf,
  FieldMessage,
  SettingsSection,
  ValidatedField,
} from '../components/controls';
import { keepMandatoryPossible } from '../pages/admin/alert-categories';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

function useAdmin(): boolean {
  const role = useSessionStore((state) => state.profile?.user.role);
  return role !== undefined && isAdmin(role);
}

/**
 * Business defaults (admins), the one page: the channels the business allows, its sender
 * identity and country, then `children` — the grid by category (`BusinessDefaultsGrid`) where
 * each alert type's channels and required channels are set.
 */
export function BusinessDefaultsSection({ children }: { children?: ReactNode }) {
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
      {children}
    </SettingsSection>
  );
}
