import { useMemo } from 'react';
import { alertTypeLabels, userAlertTypes } from '../../common/alert-types';
import { quietWindowSchema, type QuietWindow } from '../../common/preferences';
import { weekdays, type Weekday } from '../../common/time-zone';
import { diagnose } from '../../common/policy/diagnose';
import { FieldMessage, LockNote, SettingsSection, sentence, Toggle } from '../components/controls';
import { useWindowContext } from '../components/use-effective';
import { controlLock, neverApplies } from '../effective';
import { usePreferencesStore } from '../stores/preferences-store';

const dayNames: Record<Weekday, string> = {
  sunday: 'Sunday',
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
};

function timeZones(current: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = known.includes('UTC') ? known : ['UTC', ...known];
  return all.includes(current) ? all : [current, ...all];
}

/** A weekly schedule of quiet windows, the time zone they are in, and what breaks through. */
export function QuietHoursSection() {
  const snapshot = usePreferencesStore((state) => state.snapshot);
  const errors = usePreferencesStore((state) => state.errors);
  const update = usePreferencesStore((state) => state.update);
  const setError = usePreferencesStore((state) => state.setError);
  const timeZone = snapshot?.preferences.timeZone ?? 'UTC';
  const zones = useMemo(() => timeZones(timeZone), [timeZone]);
  const context = useWindowContext();
  const receivable = useMemo(
    () =>
      context
        ? userAlertTypes.filter((type) => !neverApplies(diagnose(type, context)))
        : userAlertTypes,
    [context],
  );
  if (!snapshot) return null;
  const quiet = snapshot.preferences.quietHours;
  const lockOf = (field: string) => controlLock(snapshot.locks, field);
  const enabledLock = lockOf('quietHours.enabled');
  const zoneLock = lockOf('timeZone');
  const windowsLock = lockOf('quietHours.windows');
  const breakThroughLock = lockOf('quietHours.breakThrough');
  // The schedule's lock, said once under the table; each of its controls points at it.
  const windowsLockId = 'quiet-windows-lock';

  function editWindow(index: number, change: Partial<QuietWindow>) {
    const key = `quietHours.windows.${index}`;
    const current = quiet.windows[index];
    if (!current) return;
    // Checked here with the model's own schema, so an invalid window never leaves the window.
    const checked = quietWindowSchema.safeParse({ ...current, ...change });
    if (!checked.success) {
      setError(key, checked.error.issues[0]?.message ?? 'Not a valid quiet window');
      return;
    }
    void update(key, (draft) => {
      draft.quietHours.windows[index] = checked.data;
    });
  }

  return (
    <SettingsSection
      id="quietHours"
      title="Quiet hours"
      intro="During quiet hours nothing pops up or texts you, except what you let break through. Alerts still reach the in-app list and email."
    >
      <Toggle
        label="Use quiet hours"
        checked={quiet.enabled}
        lock={enabledLock}
        error={errors['quietHours.enabled']}
        testId="quiet-enabled"
        onChange={(on) =>
          void update('quietHours.enabled', (draft) => {
            draft.quietHours.enabled = on;
          })
        }
      />
      <div className="field">
        <label htmlFor="time-zone">Time zone</label>
        <select
          id="time-zone"
          value={timeZone}
          disabled={Boolean(zoneLock)}
          aria-describedby={
            [zoneLock && 'time-zone-lock', errors['timeZone'] && 'time-zone-error']
              .filter(Boolean)
              .join(' ') || undefined
          }
          onChange={(event) => {
            const next = event.target.value;
            void update('timeZone', (draft) => {
              draft.timeZone = next;
            });
          }}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        <LockNote id="time-zone-lock" lock={zoneLock} />
        <FieldMessage id="time-zone-error" kind="error" message={errors['timeZone']} />
      </div>
      <h3>Weekly schedule</h3>
      <table className="quiet-table">
        <caption className="visually-hidden">
          Quiet windows; an end before the start runs past midnight.
        </caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {quiet.windows.map((window, index) => {
            const problem = quietWindowSchema.safeParse(window);
            const message =
              errors[`quietHours.windows.${index}`] ??
              (problem.success ? undefined : problem.error.issues[0]?.message);
            const errorId = `quiet-window-error-${index}`;
            const describedBy =
              [windowsLock && windowsLockId, message && errorId].filter(Boolean).join(' ') ||
              undefined;
            const locked = Boolean(windowsLock);
            return (
              <tr key={index}>
                <td>
                  <select
                    aria-label={`Day of quiet window ${index + 1}`}
                    value={window.day}
                    disabled={locked}
                    aria-describedby={describedBy}
                    onChange={(event) => editWindow(index, { day: event.target.value as Weekday })}
                  >
                    {weekdays.map((day) => (
                      <option key={day} value={day}>
                        {dayNames[day]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    type="time"
                    aria-label={`Start of quiet window ${index + 1} (${dayNames[window.day]})`}
                    value={window.start}
                    disabled={locked}
                    aria-describedby={describedBy}
                    onChange={(event) =>
                      event.target.value && editWindow(index, { start: event.target.value })
                    }
                  />
                </td>
                <td>
                  <input
                    type="time"
                    aria-label={`End of quiet window ${index + 1} (${dayNames[window.day]})`}
                    value={window.end}
                    disabled={locked}
                    aria-invalid={message ? true : undefined}
                    aria-describedby={describedBy}
                    onChange={(event) =>
                      event.target.value && editWindow(index, { end: event.target.value })
                    }
                  />
                  <FieldMessage id={errorId} kind="error" message={message} />
                </td>
                <td>
                  <button
                    type="button"
                    disabled={locked}
                    aria-describedby={windowsLock ? windowsLockId : undefined}
                    aria-label={`Remove quiet window ${index + 1} (${dayNames[window.day]} ${window.start}–${window.end})`}
                    onClick={() =>
                      void update(`quietHours.windows.${index}`, (draft) => {
                        draft.quietHours.windows.splice(index, 1);
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
      <LockNote id={windowsLockId} lock={windowsLock} />
      <button
        type="button"
        disabled={Boolean(windowsLock) || quiet.windows.length >= 70}
        aria-describedby={windowsLock ? windowsLockId : undefined}
        onClick={() =>
          void update('quietHours.windows', (draft) => {
            draft.quietHours.windows.push({ day: 'monday', start: '12:00', end: '13:00' });
          })
        }
      >
        Add a quiet window
      </button>
      <FieldMessage id="quiet-windows-error" kind="error" message={errors['quietHours.windows']} />
      {/* Only alerts this person can receive: a break-through for anything else does nothing. */}
      <fieldset className="break-through">
        <legend>What breaks through quiet hours</legend>
        <LockNote id="quiet-break-through-lock" lock={breakThroughLock} />
        <div className="toggle-grid">
          {receivable.map((type) => (
            <Toggle
              key={type}
              label={sentence(alertTypeLabels[type])}
              checked={quiet.breakThrough.includes(type)}
              lock={breakThroughLock}
              lockNoteId="quiet-break-through-lock"
              error={errors[`quietHours.breakThrough.${type}`]}
              onChange={(on) =>
                void update(`quietHours.breakThrough.${type}`, (draft) => {
                  const rest = draft.quietHours.breakThrough.filter((entry) => entry !== type);
                  draft.quietHours.breakThrough = on ? [...rest, type] : rest;
                })
              }
            />
          ))}
        </div>
      </fieldset>
    </SettingsSection>
  );
}
