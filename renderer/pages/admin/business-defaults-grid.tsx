import {
  alertTypeLabels,
  channelLabels,
  channels,
  type AlertType,
  type Channel,
} from '../../../common/alert-types';
import { isAdmin, type BusinessDefaults } from '../../../common/preferences';
import { SettingsSection } from '../../components/controls';
import { usePreferencesStore } from '../../stores/preferences-store';
import { useSessionStore } from '../../stores/session-store';
import { alertCategories, businessLabel, channelsOfType } from './alert-categories';

/** A channel the business no longer sends a type through stops being mandatory for it. */
function keepMandatoryPossible(draft: BusinessDefaults, type: AlertType): void {
  const entry = draft.alerts[type];
  for (const channel of channels) {
    if (!entry.enabled || !entry.channels[channel] || !draft.allowedChannels[channel]) {
      entry.mandatory[channel] = false;
    }
  }
}

/**
 * The business-defaults grid (issue 14 §5), grouped by category: one table per category, a row
 * per alert type worded for the business, a column per channel the category's types can use
 * (account reports: email only), and a column toggle that sets the channel for every type of
 * the category. Billing warnings are the billing admin's: another admin sees them read-only.
 */
export function BusinessDefaultsGrid() {
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const updateBusiness = usePreferencesStore((state) => state.updateBusiness);
  if (!profile || !snapshot || !isAdmin(profile.user.role)) return null;
  const business = snapshot.business;
  const billingAdmin = profile.user.role === 'billingAdmin';
  const billingOwner = profile.team.find((member) => member.role === 'billingAdmin')?.name;
  const readOnly = (type: AlertType) => type === 'billingWarning' && !billingAdmin;

  return (
    <SettingsSection
      id="businessDefaultsGrid"
      title="Business defaults by category"
      intro="Which alerts the business sends its members, and through which channels."
    >
      {errors['business.alerts'] ? (
        <p className="field-error" role="alert">
          {errors['business.alerts']}
        </p>
      ) : null}
      {alertCategories.map((category) => {
        const usable = channels.filter((channel) =>
          category.types.some((type) => channelsOfType(type).includes(channel)),
        );
        const editable = category.types.filter((type) => !readOnly(type));
        const setColumn = (channel: Channel, on: boolean) =>
          void updateBusiness('business.alerts', (draft) => {
            for (const type of editable) {
              if (!channelsOfType(type).includes(channel)) continue;
              draft.alerts[type].channels[channel] = on;
              keepMandatoryPossible(draft, type);
            }
          });
        return (
          <table
            key={category.id}
            className="channel-table defaults-grid"
            data-category={category.id}
          >
            <caption>{category.title}</caption>
            <thead>
              <tr>
                <th scope="col">Alert type</th>
                <th scope="col">On</th>
                {usable.map((channel) => {
                  const all = editable
                    .filter((type) => channelsOfType(type).includes(channel))
                    .every((type) => business.alerts[type].channels[channel]);
                  return (
                    <th key={channel} scope="col">
                      <label>
                        <input
                          type="checkbox"
                          checked={all}
                          onChange={(event) => setColumn(channel, event.target.checked)}
                        />{' '}
                        {`${channelLabels[channel]} for every ${category.title} alert`}
                      </label>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {category.types.map((type) => {
                const entry = business.alerts[type];
                const label = businessLabel(alertTypeLabels[type]);
                const locked = readOnly(type);
                return (
                  <tr key={type} data-type={type}>
                    <th scope="row">
                      {label}
                      {locked ? (
                        <span className="hint">
                          {' '}
                          {`Set by the billing admin${billingOwner ? ` (${billingOwner})` : ''}; read-only for you`}
                        </span>
                      ) : null}
                    </th>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${label}: on for the business`}
                        checked={entry.enabled}
                        disabled={locked}
                        onChange={(event) => {
                          const on = event.target.checked;
                          void updateBusiness('business.alerts', (draft) => {
                            draft.alerts[type].enabled = on;
                            keepMandatoryPossible(draft, type);
                          });
                        }}
                      />
                    </td>
                    {usable.map((channel) =>
                      channelsOfType(type).includes(channel) ? (
                        <td key={channel}>
                          <input
                            type="checkbox"
                            aria-label={`${label} by ${channelLabels[channel]}`}
                            checked={entry.channels[channel]}
                            disabled={locked}
                            onChange={(event) => {
                              const on = event.target.checked;
                              void updateBusiness('business.alerts', (draft) => {
                                draft.alerts[type].channels[channel] = on;
                                keepMandatoryPossible(draft, type);
                              });
                            }}
                          />
                        </td>
                      ) : (
                        <td
                          key={channel}
                          aria-label={`${label} never goes by ${channelLabels[channel]}`}
                        >
                          —
                        </td>
                      ),
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      })}
    </SettingsSection>
  );
}
