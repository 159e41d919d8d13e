import { useRef, useState } from 'react';
import {
  chosenUntilRefusal,
  doNotDisturbChoices,
  doNotDisturbChosenLabel,
} from '../../common/mute-durations';
import { activeUntil, quietWindowEnd } from '../../common/policy/gates';
import { describeCatchUp } from '../../common/status';
import { windowContext } from '../effective';
import { controlLock } from '../effective';
import { LockNote } from './controls';
import { useRouteStore } from '../routing';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { clockTime, exactTime, instantOfLocalInput, localInputValue } from '../time-format';
import type { SyncStatus } from '../../common/status';
import { describeConnection, describeSync } from './sync-status';
import { useNow } from './use-now';

/** "until 14:00", "until Fri 5 Dec 08:00", or the open-ended words. */
function untilWords(until: string | null, now: number, timeZone: string, open: string): string {
  return until === null ? open : `until ${clockTime(Date.parse(until), now, timeZone)}`;
}

/** Do-not-disturb: how it stands, the durations to set it (the tray's list) and the way to end it. */
function DoNotDisturbControl({ now, timeZone }: { now: number; timeZone: string }) {
  const doNotDisturb = usePreferencesStore(
    (state) => state.snapshot?.preferences.mutes.doNotDisturb,
  );
  const error = usePreferencesStore((state) => state.errors['doNotDisturb']);
  const setDoNotDisturb = usePreferencesStore((state) => state.setDoNotDisturb);
  const menu = useRef<HTMLDetailsElement>(null);
  const [chosen, setChosen] = useState('');
  const [chosenError, setChosenError] = useState<string | null>(null);
  const on = doNotDisturb?.enabled === true && activeUntil(doNotDisturb.until, now);
  const locks = usePreferencesStore((state) => state.snapshot?.locks);
  const lock = controlLock(locks ?? [], 'mutes.doNotDisturb');
  const close = () => menu.current?.removeAttribute('open');
  const setChosenEnd = () => {
    const instant = instantOfLocalInput(chosen, timeZone);
    const until = instant === null ? null : new Date(instant).toISOString();
    const refusal =
      until === null ? 'Pick a day and a time' : chosenUntilRefusal(until, Date.now());
    setChosenError(refusal);
    if (refusal || until === null) return;
    close();
    void setDoNotDisturb({ until });
  };
  // Held by the organisation: how it stands and who holds it, with nothing to change it.
  if (lock) {
    return (
      <li className={on ? 'status-item is-warning' : 'status-item'}>
        <span data-testid="do-not-disturb-status" aria-describedby="do-not-disturb-lock">
          {on
            ? `Do not disturb on ${untilWords(doNotDisturb.until, now, timeZone, 'until you turn it off')}`
            : 'Do not disturb off'}
        </span>
        <LockNote id="do-not-disturb-lock" lock={lock} />
      </li>
    );
  }
  return (
    <li className={on ? 'status-item is-warning' : 'status-item'}>
      <span data-testid="do-not-disturb-status">
        {on
          ? `Do not disturb on ${untilWords(doNotDisturb.until, now, timeZone, 'until you turn it off')}`
          : 'Do not disturb off'}
      </span>
      {on ? (
        <button
          type="button"
          className="small"
          onClick={() => void setDoNotDisturb({ duration: null })}
        >
          End do-not-disturb
        </button>
      ) : null}
      <details className="status-menu" ref={menu} data-testid="do-not-disturb-menu">
        <summary>{on ? 'Change' : 'Turn on'}</summary>
        <div className="status-menu-panel" role="group" aria-label="Do not disturb for">
          {doNotDisturbChoices.map(({ duration, label }) => (
            <button
              key={duration}
              type="button"
              onClick={() => {
                close();
                void setDoNotDisturb({ duration });
              }}
            >
              {label}
            </button>
          ))}
          <label htmlFor="do-not-disturb-until">{doNotDisturbChosenLabel}</label>
          <div className="inline-controls">
            <input
              id="do-not-disturb-until"
              type="datetime-local"
              value={chosen}
              min={localInputValue(now, timeZone)}
              aria-invalid={chosenError ? 'true' : undefined}
              aria-describedby={chosenError ? 'do-not-disturb-until-error' : undefined}
              onChange={(event) => setChosen(event.target.value)}
            />
            <button type="button" onClick={setChosenEnd}>
              Set
            </button>
          </div>
          {chosenError ? (
            <p id="do-not-disturb-until-error" className="field-error" role="alert">
              {chosenError}
            </p>
          ) : null}
        </div>
      </details>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** Muted lines: how many, and each one's end with an unmute. */
function MutedLines({ now, timeZone }: { now: number; timeZone: string }) {
  const profile = useSessionStore((state) => state.profile);
  const mutes = usePreferencesStore((state) => state.snapshot?.preferences.mutes.lines);
  const unmuteLine = usePreferencesStore((state) => state.unmuteLine);
  const locks = usePreferencesStore((state) => state.snapshot?.locks);
  // Held by the organisation: each mute shown with its end, nothing to unmute it with.
  const lock = controlLock(locks ?? [], 'mutes.lines');
  const active = (mutes ?? []).filter((mute) => activeUntil(mute.until, now));
  if (active.length === 0) return null;
  const nameOf = (lineId: string) =>
    profile?.lines.find((line) => line.id === lineId)?.name ?? lineId;
  return (
    <li className="status-item is-warning">
      <details className="status-menu" data-testid="muted-lines">
        <summary>
          {active.length} {active.length === 1 ? 'line' : 'lines'} muted
        </summary>
        <ul className="status-menu-panel">
          {active.map((mute) => (
            <li key={mute.lineId} data-line={mute.lineId}>
              {nameOf(mute.lineId)}{' '}
              {untilWords(
                mute.until,
                now,
                timeZone,
                lock ? 'until further notice' : 'until you unmute',
              )}{' '}
              <button
                type="button"
                className="small"
                disabled={Boolean(lock)}
                aria-describedby={lock ? 'muted-lines-lock' : undefined}
                onClick={() => void unmuteLine(mute.lineId)}
              >
                Unmute {nameOf(mute.lineId)}
              </button>
            </li>
          ))}
          {lock ? (
            <li>
              <LockNote id="muted-lines-lock" lock={lock} />
            </li>
          ) : null}
        </ul>
      </details>
    </li>
  );
}

/**
 * The status at a glance, on every page: the connection, the sync, a catch-up's progress while
 * it runs ("Catching up: 40,000 of 100,000"), do-not-disturb (set and end it here, with the
 * tray's durations), quiet hours when they hold alerts back, muted lines.
 */
export function StatusHeader() {
  const sync = useSessionStore((state) => state.sync);
  const connection = useSessionStore((state) => state.connection);
  const health = useSessionStore((state) => state.health);
  const catchUp = useSessionStore((state) => state.catchUp);
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const go = useRouteStore((state) => state.go);
  const timeZone = snapshot?.preferences.timeZone ?? 'UTC';
  const now = useNow(5_000);
  const quietEnd =
    profile && snapshot ? quietWindowEnd(windowContext(profile, snapshot, now)) : null;
  // A resolved conflict says what was kept until the person dismisses it (or edits again, which
  // clears it in the core); dismissed, the header says "Synced" as of the resolution.
  const [dismissedConflictAt, setDismissedConflictAt] = useState<number | null>(null);
  const conflictShown = sync.status === 'conflictResolved' && sync.at !== dismissedConflictAt;
  const shownSync: SyncStatus =
    sync.status === 'conflictResolved' && !conflictShown ? { status: 'synced', at: sync.at } : sync;
  return (
    <div className="status-bar">
      <ul className="status-list" aria-label="Status">
        <li className={`status-item connection-${connection.status}`}>
          <span data-testid="connection-status">
            {describeConnection(connection, now, timeZone)}
          </span>
        </li>
        <li className={`status-item sync-status sync-${shownSync.status}`}>
          <span role="status" aria-live="polite" data-testid="sync-status">
            {describeSync(shownSync, now, timeZone)}
          </span>
          {shownSync.status === 'synced' && shownSync.at !== null ? (
            <span className="visually-hidden"> ({exactTime(shownSync.at, timeZone)})</span>
          ) : null}
          {sync.status === 'conflictResolved' && conflictShown ? (
            <button type="button" className="small" onClick={() => setDismissedConflictAt(sync.at)}>
              Dismiss<span className="visually-hidden"> the sync conflict notice</span>
            </button>
          ) : null}
        </li>
        {catchUp ? (
          <li className="status-item catch-up-status">
            <span role="status" aria-live="off" data-testid="catch-up-status">
              {describeCatchUp(catchUp)}
            </span>
          </li>
        ) : null}
        {snapshot ? <DoNotDisturbControl now={now} timeZone={timeZone} /> : null}
        {quietEnd ? (
          <li className="status-item is-warning">
            <a
              href="#/schedule"
              data-testid="quiet-hours-status"
              onClick={(event) => {
                event.preventDefault();
                go({ page: 'schedule' });
              }}
            >
              Quiet hours active until {quietEnd}
            </a>
          </li>
        ) : null}
        <MutedLines now={now} timeZone={timeZone} />
      </ul>
      {health.map((notice) => (
        <p key={notice.code} className="health-notice" role="alert">
          {notice.message}
        </p>
      ))}
    </div>
  );
}
