import { describe, expect, it } from 'vitest';
import { defaultUserPreferences, type UserPreferences } from '../../../common';
import { MuteExpiryWatcher, type MuteExpiry } from './mute-expiry-watcher';
import { ManualClock } from '../../../test/support/manual-clock';

const second = 1_000;
const minute = 60 * second;

function preferencesWith(
  clock: ManualClock,
  mutes: { lines?: Array<[string, number | null]>; dndIn?: number | null },
): UserPreferences {
  const base = defaultUserPreferences('UTC');
  const iso = (offset: number) => new Date(clock.now() + offset).toISOString();
  return {
    ...base,
    mutes: {
      lines: (mutes.lines ?? []).map(([lineId, inMs]) => ({
        lineId,
        until: inMs === null ? null : iso(inMs),
      })),
      doNotDisturb:
        mutes.dndIn === undefined
          ? { enabled: false, until: null }
          : { enabled: true, until: mutes.dndIn === null ? null : iso(mutes.dndIn) },
    },
  };
}

function setup() {
  const clock = new ManualClock();
  const watcher = new MuteExpiryWatcher({ clock });
  const expiries: Array<MuteExpiry & { at: number }> = [];
  watcher.onExpiry((expiry) => expiries.push({ ...expiry, at: clock.now() }));
  return { clock, watcher, expiries };
}

describe('MuteExpiryWatcher', () => {
  it('tells listeners the moment each mute and do-not-disturb runs out, to the second', () => {
    const { clock, watcher, expiries } = setup();
    const start = clock.now();
    watcher.update(
      preferencesWith(clock, {
        lines: [
          ['line-support', 90 * minute + 7 * second],
          ['line-ann', null],
        ],
        dndIn: 20 * minute + 1 * second,
      }),
    );
    clock.advance(20 * minute);
    expect(expiries).toHaveLength(0);
    clock.advance(1 * second);
    expect(expiries).toEqual([
      {
        kind: 'doNotDisturb',
        until: start + 20 * minute + second,
        at: start + 20 * minute + second,
      },
    ]);
    clock.advance(70 * minute + 6 * second - 1);
    expect(expiries).toHaveLength(1);
    clock.advance(1);
    expect(expiries[1]).toMatchObject({
      kind: 'lineMute',
      lineId: 'line-support',
      at: start + 90 * minute + 7 * second,
    });
    clock.advance(24 * 60 * minute);
    expect(expiries).toHaveLength(2); // a mute "until you unmute" never runs out
  });

  it('re-plans when preferences change: an extended mute expires at its new end only', () => {
    const { clock, watcher, expiries } = setup();
    const start = clock.now();
    watcher.update(preferencesWith(clock, { lines: [['line-support', 10 * minute]] }));
    clock.advance(5 * minute);
    watcher.update(preferencesWith(clock, { lines: [['line-support', 25 * minute]] }));
    clock.advance(10 * minute);
    expect(expiries).toHaveLength(0);
    clock.advance(20 * minute);
    expect(expiries).toEqual([
      {
        kind: 'lineMute',
        lineId: 'line-support',
        until: start + 30 * minute,
        at: start + 30 * minute,
      },
    ]);
  });

  it('a mute removed before its end never reports', () => {
    const { clock, watcher, expiries } = setup();
    watcher.update(preferencesWith(clock, { lines: [['line-support', 10 * minute]] }));
    watcher.update(preferencesWith(clock, {}));
    clock.advance(60 * minute);
    expect(expiries).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports an expiry passed during sleep at replan, once, however often replan is called', () => {
    const { clock, watcher, expiries } = setup();
    watcher.update(preferencesWith(clock, { dndIn: 30 * minute }));
    clock.jump(3 * 60 * minute);
    expect(expiries).toHaveLength(0);
    watcher.replan();
    watcher.replan();
    expect(expiries).toHaveLength(1);
    expect(expiries[0]?.kind).toBe('doNotDisturb');
  });

  it('does not report ends already past when the preferences arrive', () => {
    const { clock, watcher, expiries } = setup();
    watcher.update(preferencesWith(clock, { lines: [['line-support', -minute]], dndIn: -1 }));
    watcher.replan();
    expect(expiries).toHaveLength(0);
    expect(watcher.nextExpiryAt()).toBeNull();
  });

  it('stops: no timers left and nothing reported', () => {
    const { clock, watcher, expiries } = setup();
    watcher.update(preferencesWith(clock, { dndIn: minute }));
    watcher.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(2 * minute);
    watcher.replan();
    expect(expiries).toHaveLength(0);
  });
  it('wakes its quiet-hours listeners the moment quiet hours start and end, to the second', () => {
    // The fake clock starts on Sunday 22 Nov 2026, 09:00 UTC.
    const { clock, watcher } = setup();
    const boundaries: number[] = [];
    watcher.onQuietBoundary((at) => boundaries.push(at));
    const preferences = defaultUserPreferences('UTC');
    watcher.update({
      ...preferences,
      quietHours: {
        ...preferences.quietHours,
        enabled: true,
        windows: [{ day: 'sunday', start: '09:30', end: '10:00' }],
      },
    });
    const start = Date.UTC(2026, 10, 22, 9, 30);
    expect(watcher.nextQuietBoundaryAt()).toBe(start);
    clock.advance(30 * minute - second);
    expect(boundaries).toEqual([]);
    clock.advance(second);
    expect(boundaries).toEqual([start]);
    expect(watcher.nextQuietBoundaryAt()).toBe(start + 30 * minute);
    // A sleep across the end reports it once, at the re-plan.
    clock.jump(3 * 60 * minute);
    watcher.replan();
    watcher.replan();
    expect(boundaries).toEqual([start, start + 30 * minute]);
    expect(watcher.nextQuietBoundaryAt()).toBe(start + 7 * 24 * 60 * minute);
    watcher.update(preferences);
    expect(watcher.nextQuietBoundaryAt()).toBeNull();
  });
});
