import {
  alertTypeLabels,
  appointmentAlertTypes,
  channelLabels,
  channels,
  communicationAlertTypes,
  type Channel,
  type UserAlertType,
} from '../../common/alert-types';
import { sentence } from '../components/controls';
import { cellState, masterOffWords } from '../effective-words';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

/** The rows of the table, grouped as the window's sections are. */
const groups: ReadonlyArray<{ title: string; types: readonly UserAlertType[] }> = [
  { title: 'Communication', types: communicationAlertTypes },
  { title: 'Appointments', types: appointmentAlertTypes },
  { title: 'High-SMS alerts', types: ['highSms'] },
  { title: 'Leads', types: ['leadNew', 'leadUpdated'] },
  { title: 'Usage and billing', types: ['usage75', 'usage90', 'usage100', 'paymentFailed'] },
];

function Row({ type }: { type: UserAlertType }) {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const error = usePreferencesStore((state) => state.errors[`alertChannels.${type}`]);
  const update = usePreferencesStore((state) => state.update);
  const userId = useSessionStore((state) => state.profile?.user.id ?? null);
  if (!snapshot) return null;
  const label = sentence(alertTypeLabels[type]);
  const cells = channels.map((channel) => ({
    channel,
    ...cellState(type, channel, snapshot, userId),
  }));
  // One note per row: every reason, each once (a business-off type gives four equal ones).
  const notes = [...new Set(cells.flatMap((cell) => (cell.reason ? [cell.reason] : [])))];
  if (!snapshot.preferences.alerts[type]) {
    notes.push(
      cells.some((cell) => cell.mark === 'required')
        ? 'You turned this alert type off: only what your business requires still comes'
        : 'You turned this alert type off',
    );
  }
  if (error) notes.push(error);
  const noteId = `channel-note-${type}`;
  return (
    <tr data-alert-type={type} className={snapshot.preferences.alerts[type] ? undefined : 'is-off'}>
      <th scope="row">{label}</th>
      {cells.map((cell) => (
        <td key={cell.channel} className={cell.mark ? `cell-${cell.mark}` : undefined}>
          <input
            type="checkbox"
            aria-label={`${label} by ${channelLabels[cell.channel]}`}
            data-testid={`cell-${type}-${cell.channel}`}
            checked={cell.checked}
            disabled={cell.reason !== null}
            aria-describedby={
              [
                notes.length > 0 ? noteId : null,
                cell.reason === null && masterOffWords(cell.channel, snapshot)
                  ? masterOffId(cell.channel)
                  : null,
              ]
                .filter(Boolean)
                .join(' ') || undefined
            }
            onChange={(event) => {
              const on = event.target.checked;
              void update(`alertChannels.${type}`, (draft) => {
                draft.alertChannels[type][cell.channel] = on;
              });
            }}
          />
          {cell.mark ? (
            <span className="cell-mark" aria-hidden="true">
              {cell.mark}
            </span>
          ) : null}
        </td>
      ))}
      <td id={noteId} className="cell-note" data-testid={`channel-note-${type}`}>
        {notes.join('. ')}
      </td>
    </tr>
  );
}

/** The column header's words that each editable cell of a switched-off channel points at. */
function masterOffId(channel: Channel): string {
  return `channel-off-above-${channel}`;
}

/** Alert types × channels: what reaches the person through which channel, and why not. */
export function ChannelTable() {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const master = snapshot?.preferences.channels;
  const masterOn = (channel: Channel) =>
    !master ||
    (channel === 'desktop' || channel === 'inApp' ? master[channel] : master[channel].enabled);
  return (
    <div className="table-scroll">
      <table className="channel-table" data-testid="channel-table">
        <caption>Channels for each alert type</caption>
        <thead>
          <tr>
            <th scope="col">Alert type</th>
            {channels.map((channel) => (
              <th key={channel} scope="col">
                {sentence(channelLabels[channel])}
                {masterOn(channel) ? null : <span className="cell-mark"> off above</span>}
                {snapshot && masterOffWords(channel, snapshot) ? (
                  <span id={masterOffId(channel)} className="visually-hidden">
                    {masterOffWords(channel, snapshot)}
                  </span>
                ) : null}
              </th>
            ))}
            <th scope="col">Notes</th>
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.title}>
            <tr className="group-row">
              <th scope="rowgroup" colSpan={channels.length + 2}>
                {group.title}
              </th>
            </tr>
            {group.types.map((type) => (
              <Row key={type} type={type} />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
