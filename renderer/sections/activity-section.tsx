import { useEffect, useState } from 'react';
import {
  alertTypeLabels,
  channelLabels,
  userAlertTypes,
  accountAlertTypes,
  type AlertType,
} from '../../common/alert-types';
import { reached, type ChannelReport } from '../../common/delivery-report';
import { isAdmin } from '../../common/preferences';
import type { ActivityItem } from '../../common/status';
import { SettingsSection, sentence } from '../components/controls';
import { useNow } from '../components/use-now';
import { useRouteStore } from '../routing';
import { useActivityStore } from '../stores/activity-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { clockTime, exactTime } from '../time-format';

function destinationText(destination: string | null): string {
  return destination ? ` (${destination})` : '';
}

type NotReached = Exclude<ChannelReport, { status: 'shown' | 'listed' | 'sent' }>;

/** How a channel that did not reach the person ended, after its reason. */
const statusWords: Record<NotReached['status'], string> = {
  held: 'held',
  notSent: 'not sent',
  failed: 'failed',
  pending: 'not settled yet',
};

function reachedText(report: ChannelReport): string {
  return report.status === 'sent'
    ? `${channelLabels[report.channel]} (${report.destination}, outbox ${report.outboxId})`
    : channelLabels[report.channel];
}

/**
 * One event: what it said, and what happened on each channel, from records: desktop and in-app
 * as the companion did them (shown, held, failed), email and SMS as the service reported them.
 */
function ActivityRow({
  item,
  now,
  timeZone,
  highlighted,
}: {
  item: ActivityItem;
  now: number;
  timeZone: string;
  highlighted: boolean;
}) {
  const done = item.channels.filter(reached);
  const notDone = item.channels.filter((report): report is NotReached => !reached(report));
  return (
    <li
      className={highlighted ? 'activity-row is-highlighted' : 'activity-row'}
      data-event-id={item.eventId}
      // Focusable from script only: a pop-up click moves focus to its row.
      tabIndex={-1}
      aria-current={highlighted ? 'true' : undefined}
      data-testid="activity-row"
    >
      <div className="activity-head">
        <strong>{item.title}</strong>
        <time
          dateTime={new Date(item.decidedAt).toISOString()}
          title={exactTime(item.decidedAt, timeZone)}
        >
          {clockTime(item.decidedAt, now, timeZone)}
        </time>
      </div>
      {item.body ? <p className="activity-body">{item.body}</p> : null}
      <p className="activity-decision">
        {done.length > 0
          ? `Sent by ${done.map(reachedText).join(', ')}`
          : 'Not sent through any channel'}
      </p>
      {notDone.length > 0 ? (
        <ul className="suppressed-list" aria-label="Channels held back">
          {notDone.map((report) => (
            <li key={report.channel} data-channel={report.channel} data-status={report.status}>
              <span className="channel-name">{sentence(channelLabels[report.channel])}:</span>{' '}
              {report.explanation}{' '}
              <span className="channel-status">({statusWords[report.status]})</span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** "Why am I not getting …?": diagnose one alert type and list its reasons, limits and channels. */
function Diagnose() {
  const role = useSessionStore((state) => state.profile?.user.role);
  const diagnosis = useActivityStore((state) => state.diagnosis);
  const diagnose = useActivityStore((state) => state.diagnose);
  const why = useRouteStore((state) => state.route.why);
  const [type, setType] = useState<AlertType>(why ?? 'textRingGroup');
  // "Why?" beside an alert type opens this page on that type's diagnosis.
  useEffect(() => {
    if (!why) return;
    setType(why);
    void diagnose(why);
  }, [why, diagnose]);
  const choices: readonly AlertType[] =
    role && isAdmin(role) ? [...userAlertTypes, ...accountAlertTypes] : userAlertTypes;
  const result = diagnosis?.result;
  return (
    <div className="diagnose" data-testid="diagnose">
      <h3>Why am I not getting …?</h3>
      <div className="inline-controls">
        <label htmlFor="diagnose-type">Alert type</label>
        <select
          id="diagnose-type"
          value={type}
          onChange={(event) => setType(event.target.value as AlertType)}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {sentence(alertTypeLabels[choice])}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void diagnose(type)}>
          Explain
        </button>
      </div>
      <div role="status" className="diagnose-result" data-testid="diagnose-result">
        {diagnosis?.error ? <p className="field-error">{diagnosis.error}</p> : null}
        {diagnosis && !diagnosis.result && !diagnosis.error ? <p>Checking…</p> : null}
        {result ? (
          <>
            <p>
              <strong>{sentence(alertTypeLabels[result.alertType])}:</strong>{' '}
              {result.wouldAlert
                ? `would reach you by ${result.channels.map((channel) => `${channelLabels[channel.channel]}${destinationText(channel.destination)}`).join(', ')}.`
                : 'would not reach you through any channel right now.'}
            </p>
            {result.reasons.length > 0 ? (
              <>
                <h4>Reasons</h4>
                <ul>
                  {result.reasons.map((reason) => (
                    <li key={`${reason.code}-${reason.explanation}`}>
                      {reason.explanation} (
                      {reason.channels.map((channel) => channelLabels[channel]).join(', ')})
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {result.locks.length > 0 ? (
              <>
                <h4>Required</h4>
                <ul>
                  {result.locks.map((lock) => (
                    <li key={lock.channel}>
                      {lock.reason}: {channelLabels[lock.channel]} comes whatever your own switches
                      say
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {result.limits.length > 0 ? (
              <>
                <h4>Limits</h4>
                <ul>
                  {result.limits.map((limit) => (
                    <li key={limit.code}>{limit.explanation}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

/** Recent events with the decision and why each suppressed channel was held back. */
export function ActivitySection() {
  const items = useActivityStore((state) => state.items);
  const loadError = useActivityStore((state) => state.loadError);
  const timeZone = usePreferencesStore((state) => state.snapshot?.preferences.timeZone ?? 'UTC');
  const route = useRouteStore((state) => state.route);
  const now = useNow();
  return (
    <SettingsSection
      id="activity"
      title="Activity"
      intro="Recent events, what reached you on each channel, and why anything was held back. Email and SMS are sent by the service; they show what it reported."
    >
      <Diagnose />
      <h3>Recent events</h3>
      {loadError ? <p className="field-error">{loadError}</p> : null}
      {items.length === 0 ? <p>No events yet.</p> : null}
      <ol className="activity-list" aria-label="Recent events">
        {items.map((item) => (
          <ActivityRow
            key={item.eventId}
            item={item}
            now={Math.max(now, item.decidedAt)}
            timeZone={timeZone}
            highlighted={route.page === 'activity' && route.itemId === item.eventId}
          />
        ))}
      </ol>
    </SettingsSection>
  );
}
