import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { channelLabels, channels, type Channel } from '../../common/alert-types';
import { lockedBoolean, type ControlLock } from '../effective';

/** A message next to a control; `id` is what the control's aria-describedby points at. */
export function FieldMessage({
  id,
  message,
  kind,
}: {
  id: string;
  message: string | undefined;
  kind: 'error' | 'note';
}) {
  if (!message) return null;
  return (
    <p
      id={id}
      className={kind === 'error' ? 'field-error' : 'field-note'}
      role={kind === 'error' ? 'alert' : undefined}
    >
      {message}
    </p>
  );
}

/**
 * Says who holds a locked control ("Locked by your organisation"): the control is disabled and
 * points its aria-describedby at `id`. One look for every lock in the window.
 */
export function LockNote({ id, lock }: { id: string; lock: ControlLock | null | undefined }) {
  if (!lock) return null;
  return (
    <p id={id} className="field-note lock-note" data-lock={lock.source}>
      {lock.reason}
    </p>
  );
}

function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  return present.length > 0 ? present.join(' ') : undefined;
}

export interface ToggleProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** When set, the switch is shown disabled with this reason beside it (never hidden). */
  disabledReason?: string | null;
  /**
   * The lock on the switch's field (`controlLock`): disabled, checked as the lock holds it, its
   * reason beside it. Stronger than `disabledReason`: policy > business defaults > user.
   */
  lock?: ControlLock | null;
  /**
   * The id of one note that already says the lock for a group of switches under it (the
   * break-through list): each switch points at it instead of repeating the sentence.
   */
  lockNoteId?: string;
  description?: string;
  error?: string | undefined;
  testId?: string;
  /** Shown under the label: the effective value and who set it, a "Why?" link. */
  children?: ReactNode;
}

/** A labelled checkbox with its explanation, disabled reason and error wired to aria-describedby. */
export function Toggle({
  label,
  checked,
  onChange,
  disabledReason,
  lock,
  lockNoteId,
  description,
  error,
  testId,
  children,
}: ToggleProps) {
  const id = useId();
  const reasonId = `${id}-reason`;
  const descriptionId = `${id}-description`;
  const errorId = `${id}-error`;
  const disabled = Boolean(lock) || Boolean(disabledReason);
  const reasonShownAt = lock && lockNoteId ? lockNoteId : reasonId;
  return (
    <div className={`toggle${disabled ? ' is-disabled' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={lockedBoolean(lock, checked)}
        disabled={disabled}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(
          description && descriptionId,
          disabled && reasonShownAt,
          error && errorId,
        )}
        onChange={(event) => onChange(event.target.checked)}
      />
      <div className="toggle-text">
        <label htmlFor={id}>{label}</label>
        {description ? (
          <p id={descriptionId} className="field-note">
            {description}
          </p>
        ) : null}
        {lock ? (
          lockNoteId ? null : (
            <LockNote id={reasonId} lock={lock} />
          )
        ) : (
          <FieldMessage id={reasonId} kind="note" message={disabledReason ?? undefined} />
        )}
        <FieldMessage id={errorId} kind="error" message={error} />
        {children}
      </div>
    </div>
  );
}

export interface ValidatedFieldProps {
  label: string;
  /** The stored value; null shows an empty field. */
  value: string | null;
  /** Checked on every keystroke; its output is what gets committed. */
  schema: z.ZodType<string, string>;
  /** Called on blur or Enter with a valid, changed value (null when emptied and `allowEmpty`). */
  onCommit: (value: string | null) => void;
  allowEmpty: boolean;
  disabled?: boolean;
  /**
   * The lock on the field (`controlLock`): disabled, with the lock's reason under it. `value` is
   * already the held one: the snapshot's preferences carry the policy's values.
   */
  lock?: ControlLock | null;
  hint?: ReactNode;
  placeholder?: string;
  /** An error from the main process for this control. */
  error?: string | undefined;
  type?: 'email' | 'tel' | 'text';
  testId?: string;
}

/**
 * A text field validated as the person types with the same zod schema main uses, the error right
 * under it (aria-describedby). Commits on blur or Enter, and only a valid value.
 */
export function ValidatedField(props: ValidatedFieldProps) {
  const {
    label,
    value,
    schema,
    onCommit,
    allowEmpty,
    disabled,
    lock,
    hint,
    placeholder,
    error,
    type,
    testId,
  } = props;
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const text = (lock ? null : draft) ?? value ?? '';
  const local = validate(text);
  const shownError = local.ok ? error : local.message;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const lockId = `${id}-lock`;

  function validate(
    input: string,
  ): { ok: true; value: string | null } | { ok: false; message: string } {
    if (input.trim() === '') {
      return allowEmpty
        ? { ok: true, value: null }
        : { ok: false, message: 'This field is required' };
    }
    const parsed = schema.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, message: parsed.error.issues[0]?.message ?? 'Not valid' };
  }

  function commit() {
    if (draft === null) return;
    const checked = validate(draft);
    if (!checked.ok) return;
    setDraft(null);
    if (checked.value !== value) onCommit(checked.value);
  }

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type ?? 'text'}
        value={text}
        disabled={Boolean(lock) || disabled}
        placeholder={placeholder}
        data-testid={testId}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(
          lock && lockId,
          hint !== undefined && hintId,
          shownError && errorId,
        )}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
          if (event.key === 'Escape') setDraft(null);
        }}
      />
      {hint !== undefined ? (
        <p id={hintId} className="field-note">
          {hint}
        </p>
      ) : null}
      <LockNote id={lockId} lock={lock} />
      <FieldMessage id={errorId} kind="error" message={shownError} />
    </div>
  );
}

/** One settings section: a landmark region named by its heading. */
export function SettingsSection({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  const headingId = `${id}-heading`;
  return (
    <section id={id} className="settings-section" aria-labelledby={headingId} data-section={id}>
      <h2 id={headingId} tabIndex={-1}>
        {title}
      </h2>
      {intro ? <p className="section-intro">{intro}</p> : null}
      {children}
    </section>
  );
}

/** "United States" for "US"; the code itself where the runtime has no name for it. */
export function countryNameOf(country: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/** Upper-cases the first letter of a label ("calls to your personal line" → "Calls to …"). */
export function sentence(text: string): string {
  return text.slice(0, 1).toUpperCase() + text.slice(1);
}

export interface ScoreSliderProps {
  id: string;
  label: string;
  value: number;
  /** Called once the person lets go (the native `change` event), not on every step of a drag. */
  onCommit: (value: number) => void;
  /** The lock on the field (`controlLock`): disabled at the held value, the reason under it. */
  lock?: ControlLock | null;
  error?: string | undefined;
  testId?: string;
}

/** A 0–100 slider showing its number; commits on release so a drag is one edit, not fifty. */
export function ScoreSlider({ id, label, value, onCommit, lock, error, testId }: ScoreSliderProps) {
  const [draft, setDraft] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const commit = useRef(onCommit);
  useEffect(() => {
    commit.current = onCommit;
  }, [onCommit]);
  useEffect(() => {
    const element = input.current;
    if (!element) return undefined;
    const onChange = () => {
      setDraft(null);
      commit.current(Number(element.value));
    };
    element.addEventListener('change', onChange);
    return () => element.removeEventListener('change', onChange);
  }, []);
  const shown = typeof lock?.value === 'number' ? lock.value : (draft ?? value);
  const errorId = `${id}-error`;
  const lockId = `${id}-lock`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="slider-row">
        <input
          ref={input}
          id={id}
          type="range"
          min={0}
          max={100}
          step={1}
          value={shown}
          disabled={Boolean(lock)}
          data-testid={testId}
          aria-valuetext={`${shown} points`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(lock && lockId, error && errorId)}
          onChange={(event) => setDraft(Number(event.target.value))}
        />
        <output htmlFor={id} data-testid={testId ? `${testId}-value` : undefined}>
          {shown}
        </output>
      </div>
      <LockNote id={lockId} lock={lock} />
      <FieldMessage id={errorId} kind="error" message={error} />
    </div>
  );
}

export interface ChannelChecksProps {
  /** Prefix of each checkbox id and test id: `${idPrefix}-${channel}`. */
  idPrefix: string;
  legend: string;
  /** Hide the legend visually (a heading beside it already says whose channels these are). */
  legendHidden?: boolean;
  values: Record<Channel, boolean>;
  /** Why a channel cannot be changed, or null when it can: shown beside it, never hidden. */
  disabledReason?: (channel: Channel) => string | null;
  onChange: (channel: Channel, on: boolean) => void;
}

/** One checkbox per channel in a labelled group (business-allowed channels, a recipient's). */
export function ChannelChecks({
  idPrefix,
  legend,
  legendHidden = false,
  values,
  disabledReason,
  onChange,
}: ChannelChecksProps) {
  const reasons = channels
    .map((channel) => ({ channel, reason: disabledReason?.(channel) ?? null }))
    .filter((entry): entry is { channel: Channel; reason: string } => entry.reason !== null);
  const reasonsId = `${idPrefix}-reasons`;
  return (
    <fieldset className="channel-checks">
      <legend className={legendHidden ? 'visually-hidden' : undefined}>{legend}</legend>
      <div className="inline-controls">
        {channels.map((channel) => {
          const id = `${idPrefix}-${channel}`;
          const disabled = reasons.some((entry) => entry.channel === channel);
          return (
            <span key={channel} className="inline-check">
              <input
                id={id}
                type="checkbox"
                checked={values[channel]}
                disabled={disabled}
                data-testid={id}
                aria-describedby={disabled ? reasonsId : undefined}
                onChange={(event) => onChange(channel, event.target.checked)}
              />
              <label htmlFor={id}>{sentence(channelLabels[channel])}</label>
            </span>
          );
        })}
      </div>
      {reasons.length > 0 ? (
        <ul id={reasonsId} className="field-note disabled-reasons">
          {reasons.map(({ channel, reason }) => (
            <li key={channel}>
              {sentence(channelLabels[channel])}: {reason}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
