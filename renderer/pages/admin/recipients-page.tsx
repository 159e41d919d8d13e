import { useState } from 'react';
import { channelLabels, channels } from '../../../common/alert-types';
import { defaultRecipient } from '../../../common/defaults';
import { isAdmin } from '../../../common/preferences';
import { SettingsSection, sentence } from '../../components/controls';
import { usePreferencesStore } from '../../stores/preferences-store';
import { useSessionStore } from '../../stores/session-store';

/** Why a recipient's channel cannot be chosen: the business does not allow it. */
const notAllowedReason = 'the business does not allow this channel (see Business defaults)';

/**
 * Recipients of lead, usage and billing alerts (issue 14 §5), the one editor: several members
 * added at once, then channels and lead threshold set per row, and beside a channel the
 * business does not allow, why it cannot be chosen.
 */
export function RecipientsPage() {
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const updateBusiness = usePreferencesStore((state) => state.updateBusiness);
  const [chosen, setChosen] = useState<string[]>([]);
  if (!profile || !snapshot || !isAdmin(profile.user.role)) return null;
  const recipients = snapshot.business.recipients;
  const nameOf = (userId: string) =>
    profile.team.find((member) => member.id === userId)?.name ?? userId;
  const candidates = profile.team.filter(
    (member) => !recipients.some((recipient) => recipient.userId === member.id),
  );
  const edit = (index: number, recipe: (recipient: (typeof recipients)[number]) => void) =>
    void updateBusiness('business.recipients', (draft) => {
      const recipient = draft.recipients[index];
      if (recipient) recipe(recipient);
    });

  return (
    <SettingsSection
      id="recipients"
      title="Recipients of lead, usage and billing alerts"
      intro="Team members who receive lead, usage and billing alerts. Add several at once, then choose each one's channels and lead score threshold."
    >
      {errors['business.recipients'] ? (
        <p className="field-error" role="alert">
          {errors['business.recipients']}
        </p>
      ) : null}
      <fieldset data-testid="recipient-candidates">
        <legend>Add members</legend>
        {candidates.length === 0 ? <p>Every member is a recipient.</p> : null}
        {candidates.map((member) => (
          <label key={member.id}>
            <input
              type="checkbox"
              checked={chosen.includes(member.id)}
              onChange={(event) =>
                setChosen(
                  event.target.checked
                    ? [...chosen, member.id]
                    : chosen.filter((id) => id !== member.id),
                )
              }
            />{' '}
            {member.name}
          </label>
        ))}
        <button
          type="button"
          disabled={chosen.length === 0}
          onClick={() => {
            const adding = chosen;
            setChosen([]);
            void updateBusiness('business.recipients', (draft) => {
              for (const userId of adding) {
                if (!draft.recipients.some((recipient) => recipient.userId === userId)) {
                  draft.recipients.push(defaultRecipient(userId));
                }
              }
            });
          }}
        >
          {chosen.length > 1 ? `Add ${chosen.length} members` : 'Add member'}
        </button>
      </fieldset>
      {recipients.length === 0 ? <p>No one receives lead, usage and billing alerts yet.</p> : null}
      <table className="channel-table" data-testid="recipients-table">
        <thead>
          <tr>
            <th scope="col">Recipient</th>
            {channels.map((channel) => (
              <th key={channel} scope="col">
                {channelLabels[channel]}
              </th>
            ))}
            <th scope="col">Lead threshold</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {recipients.map((recipient, index) => {
            const name = nameOf(recipient.userId);
            return (
              <tr key={recipient.userId} data-recipient={recipient.userId}>
                <th scope="row">{name}</th>
                {channels.map((channel) => {
                  const allowed = snapshot.business.allowedChannels[channel];
                  const reasonId = `recipient-${recipient.userId}-${channel}-reason`;
                  return (
                    <td key={channel}>
                      <input
                        type="checkbox"
                        aria-label={`${name} by ${channelLabels[channel]}`}
                        checked={recipient.channels[channel]}
                        disabled={!allowed}
                        aria-describedby={allowed ? undefined : reasonId}
                        onChange={(event) => {
                          const on = event.target.checked;
                          edit(index, (draft) => {
                            draft.channels[channel] = on;
                          });
                        }}
                      />
                      {allowed ? null : (
                        <span id={reasonId} className="field-note">
                          {`${sentence(channelLabels[channel])}: ${notAllowedReason}`}
                        </span>
                      )}
                    </td>
                  );
                })}
                <td>
                  <input
                    type="number"
                    min={0}
                    max={100}
                    aria-label={`${name}'s lead threshold`}
                    value={recipient.leadScoreThreshold}
                    onChange={(event) => {
                      const value = Number(event.target.value);
                      if (!Number.isInteger(value) || value < 0 || value > 100) return;
                      edit(index, (draft) => {
                        draft.leadScoreThreshold = value;
                      });
                    }}
                  />
                </td>
                <td>
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
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </SettingsSection>
  );
}
