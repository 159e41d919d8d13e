import {
  alertTypeLabels,
  channelLabels,
  channels,
  type AlertType,
  type Channel,
} from '../../../common/alert-types';
import { isAdmin } from '../../../common/preferences';
import { FieldMessage } from '../../components/controls';
import { usePreferencesStore } from '../../stores/preferences-store';
import { useSessionStore } from '../../stores/session-store';
import {
  alertCategories,
  businessLabel,
  channelsOfType,
  keepMandatoryPossible,
} from './alert-categories';

/** Why a channel cell cannot be changed, or null when it can. */
function cellReason(on: boolean, allowed: boolean, channel: Channel): string | null {
  if (!allowed) {
    return `The business does not allow ${channelLabels[channel]} (Channels the business allows, above)`;
  }
  return on ? null : 'Turn the alert on for the business first';
}

/**
 * The business-defaults grid (issue 14 §5), the one editor of alert types: one table per
 * category, a row per alert type worded for the business, a column per channel the category's
 * types can use (account reports: email only), a column toggle that sets the channel for every
 * type of the category, and in each cell whether the business requires that channel (mandatory:
 * members cannot turn it off), with the reason when a box cannot be changed. Billing warnings
 * are the billing admin's: another admin sees them read-only.
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
    <div className="defaults-grids">
      <FieldMessage id="business-alerts-error" kind="error" message={errors['business.alerts']} />
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
            }
            keepMandatoryPossible(draft, editable);
          });
        return (
          <div key={category.id} className="table-scroll">
            <table className="channel-table defaults-grid" data-category={category.id}>
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
                            disabled={!business.allowedChannels[channel]}
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
                          data-testid={`business-alert-${type}`}
                          checked={entry.enabled}
                          disabled={locked}
                          onChange={(event) => {
                            const on = event.target.checked;
                            void updateBusiness('business.alerts', (draft) => {
                              draft.alerts[type].enabled = on;
                              keepMandatoryPossible(draft, [type]);
                            });
                          }}
                        />
                      </td>
                      {usable.map((channel) => {
                        if (!channelsOfType(type).includes(channel)) {
                          return (
                            <td
                              key={channel}
                              aria-label={`${label} never goes by ${channelLabels[channel]}`}
                            >
                              —
                            </td>
                          );
                        }
                        const allowed = business.allowedChannels[channel];
                        const channelReason = cellReason(entry.enabled, allowed, channel);
                        const sends = entry.enabled && entry.channels[channel] && allowed;
                        const requiredReason =
                          channelReason ??
                          (sends ? null : `Turn ${channelLabels[channel]} on for this alert first`);
                        const reasonId = `defaults-${type}-${channel}-reason`;
                        const reason = locked ? null : requiredReason;
                        return (
                          <td key={channel} title={reason ?? undefined}>
                            <span className="inline-check">
                              <input
                                type="checkbox"
                                aria-label={`${label} by ${channelLabels[channel]}`}
                                checked={entry.channels[channel]}
                                disabled={locked || channelReason !== null}
                                aria-describedby={reason === null ? undefined : reasonId}
                                onChange={(event) => {
                                  const on = event.target.checked;
                                  void updateBusiness('business.alerts', (draft) => {
                                    draft.alerts[type].channels[channel] = on;
                                    keepMandatoryPossible(draft, [type]);
                                  });
                                }}
                              />
                              <label className="required-check">
                                <input
                                  type="checkbox"
                                  data-testid={`required-${type}-${channel}`}
                                  checked={entry.mandatory[channel]}
                                  disabled={locked || !sends}
                                  aria-describedby={reason === null ? undefined : reasonId}
                                  onChange={(event) => {
                                    const on = event.target.checked;
                                    void updateBusiness('business.alerts', (draft) => {
                                      draft.alerts[type].mandatory[channel] = on;
                                    });
                                  }}
                                />
                                {/* Not "… by email": that names the channel box beside it. */}
                                <span className="visually-hidden">
                                  {`${label}, ${channelLabels[channel]}: `}
                                </span>
                                required
                              </label>
                            </span>
                            {reason === null ? null : (
                              <span id={reasonId} className="visually-hidden">
                                {reason}
                              </span>
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
