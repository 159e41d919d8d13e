import { useState } from 'react';
import { formatPhoneNumber } from '../../common/contact-points';
import type { MuteDuration } from '../../common/ipc-contract';
import { muteDurationChoices } from '../../common/mute-durations';
import type { Line } from '../../common/policy/context';
import { activeUntil } from '../../common/policy/gates';
import type { UserPreferences } from '../../common/preferences';
import { clockTime } from '../time-format';
import { FieldMessage, LockNote, SettingsSection, Toggle } from '../components/controls';
import { controlLock } from '../effective';
import { useNow } from '../components/use-now';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';

/** How a line's mute reads now: null when not muted (or the mute has run out). */
export function muteText(preferences: UserPreferences, lineId: string, now: number): string | null {
  const mute = preferences.mutes.lines.find((entry) => entry.lineId === lineId);
  if (!mute || !activeUntil(mute.until, now)) return null;
  if (mute.until === null) return 'Muted until you unmute it';
  return `Muted until ${clockTime(Date.parse(mute.until), now, preferences.timeZone)}`;
}

/** Which lines alert you, and muting each one for a while. */
export function LinesSection() {
  const profile = useSessionStore((state) => state.profile);
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const update = usePreferencesStore((state) => state.update);
  if (!profile || !snapshot) return null;
  const personalLineId = profile.user.personalLineId;
  const personal = profile.lines.find((line) => line.id === personalLineId);
  const others = profile.lines.filter((line) => line.id !== personalLineId);
  const preferences = snapshot.preferences;
  return (
    <SettingsSection
      id="lines"
      title="Lines"
      intro="Choose the lines that alert you, and mute a line for a while."
    >
      <ul className="line-list">
        {personal ? (
          <li className="line-row" data-line={personal.id}>
            <Toggle
              label={`${personal.name} (your personal line, ${formatPhoneNumber(personal.number)})`}
              checked={preferences.lines.personalLine}
              lock={controlLock(snapshot.locks, 'lines.personalLine')}
              error={errors['lines.personalLine']}
              testId={`line-${personal.id}`}
              onChange={(checked) =>
                void update('lines.personalLine', (draft) => {
                  draft.lines.personalLine = checked;
                })
              }
            />
            <MuteControls line={personal} />
          </li>
        ) : null}
        {others.map((line) => {
          const group = profile.ringGroups.find((entry) => entry.id === line.ringGroupId);
          const chosen = preferences.lines.otherLineIds.includes(line.id);
          return (
            <li key={line.id} className="line-row" data-line={line.id}>
              <Toggle
                label={`${line.name} (${group ? `ring group ${group.name}, ` : ''}${formatPhoneNumber(line.number)})`}
                checked={chosen}
                lock={controlLock(snapshot.locks, 'lines.otherLineIds')}
                error={errors[`lines.${line.id}`]}
                testId={`line-${line.id}`}
                onChange={(checked) =>
                  void update(`lines.${line.id}`, (draft) => {
                    const rest = draft.lines.otherLineIds.filter((id) => id !== line.id);
                    draft.lines.otherLineIds = checked ? [...rest, line.id] : rest;
                  })
                }
              />
              <MuteControls line={line} />
            </li>
          );
        })}
      </ul>
      {profile.lines.length === 0 ? <p>You have no lines.</p> : null}
    </SettingsSection>
  );
}

function MuteControls({ line }: { line: Line }) {
  const now = useNow();
  const preferences = usePreferencesStore((state) => state.snapshot?.preferences);
  const locks = usePreferencesStore((state) => state.snapshot?.locks);
  const error = usePreferencesStore((state) => state.errors[`mute:${line.id}`]);
  const muteLine = usePreferencesStore((state) => state.muteLine);
  const unmuteLine = usePreferencesStore((state) => state.unmuteLine);
  const [duration, setDuration] = useState<MuteDuration>('oneHour');
  if (!preferences) return null;
  const status = muteText(preferences, line.id, now);
  const selectId = `mute-duration-${line.id}`;
  const errorId = `mute-error-${line.id}`;
  const statusId = `mute-status-${line.id}`;
  const lock = controlLock(locks ?? [], 'mutes.lines');
  const lockId = `mute-lock-${line.id}`;
  return (
    <div className="mute-controls">
      <p
        id={statusId}
        className={status ? 'mute-status is-muted' : 'mute-status'}
        data-testid={`mute-status-${line.id}`}
      >
        {status ?? 'Not muted'}
      </p>
      {status ? (
        <button
          type="button"
          disabled={Boolean(lock)}
          aria-describedby={lock ? `${statusId} ${lockId}` : statusId}
          onClick={() => void unmuteLine(line.id)}
        >
          Unmute {line.name}
        </button>
      ) : (
        <div className="inline-controls">
          <label htmlFor={selectId}>Mute {line.name} for</label>
          <select
            id={selectId}
            value={duration}
            disabled={Boolean(lock)}
            aria-describedby={lock ? lockId : undefined}
            onChange={(event) => setDuration(event.target.value as MuteDuration)}
          >
            {muteDurationChoices.map((choice) => (
              <option key={choice.duration} value={choice.duration}>
                {choice.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            aria-label={`Mute ${line.name}`}
            disabled={Boolean(lock)}
            aria-describedby={
              [lock && lockId, error && errorId].filter(Boolean).join(' ') || undefined
            }
            onClick={() => void muteLine(line.id, duration)}
          >
            Mute
          </button>
        </div>
      )}
      <LockNote id={lockId} lock={lock} />
      <FieldMessage id={errorId} kind="error" message={error} />
    </div>
  );
}
