import { describe, expect, it } from 'vitest';
import type { AlertEvent, EventOfKind } from '../../../common';
import { CoalescingPolicy, popupKey, standsAlone, type CoalescingStep } from './coalescing-policy';

/**
 * The grouping rules alone: no clock, notifier or store, so each row reads as input → steps.
 * Times are milliseconds since the row began; the window is 2 s and updates 250 ms apart.
 */

const at = '2026-11-22T09:00:00.000Z';
const line = { from: '+14155552671', contactName: null, occurredAt: at };

function text(id: string, lineId = 'support'): EventOfKind<'text'> {
  return { ...line, kind: 'text', id, lineId, body: 'Hi' };
}

function call(
  id: string,
  callId: string,
  state: EventOfKind<'call'>['state'],
  lineId = 'support',
): EventOfKind<'call'> {
  return { ...line, kind: 'call', id, lineId, callId, state };
}

function usage(id: string, threshold: 75 | 90 | 100): EventOfKind<'usageThreshold'> {
  return {
    kind: 'usageThreshold',
    id,
    occurredAt: at,
    periodId: '2026-11',
    threshold,
    usedMinutes: threshold * 10,
    includedMinutes: 1000,
  };
}

function reminder(id: string, offset: '1h' | '15m' | '1m'): EventOfKind<'appointmentReminder'> {
  return {
    kind: 'appointmentReminder',
    id,
    occurredAt: at,
    offset,
    appointment: {
      id: `appointment-${id}`,
      title: id,
      startsAt: at,
      endsAt: at,
      contactName: null,
    },
  };
}

type Operation =
  | { deliver: AlertEvent; popUp?: boolean; at?: number }
  | { wake: string; at: number }
  | 'beginCatchUp'
  | { endCatchUp: true; at?: number }
  | { drain: true; at?: number };

/** A key as short words: "support/text", "call/call-1", "alone/u2", "missed/support". */
function short(key: string): string {
  const parts = key.split('\u0000');
  return (parts[0] === 'group' ? parts.slice(1) : parts).join('/');
}

/**
 * A step as one short line: "show support/text t1", "update support/text t2 of 2" (the alerts
 * new since the last paint, of how many the pop-up stands for).
 */
function render(step: CoalescingStep): string {
  switch (step.step) {
    case 'release':
      return `release ${step.delivery.event.id}`;
    case 'withdraw':
      return `withdraw ${step.call.id}${step.missed ? ' missed' : ''}`;
    case 'show':
    case 'update':
      return `${step.step} ${short(step.key)} ${step.events.map((event) => event.id).join(',')}${step.count === step.events.length ? '' : ` of ${step.count}`}${step.summary ? ` (${step.summary})` : ''}`;
    case 'wake':
      return `wake ${short(step.key)} +${step.afterMilliseconds}`;
    case 'forget':
      return `forget ${short(step.key)}`;
  }
}

function run(policy: CoalescingPolicy, operation: Operation): CoalescingStep[] {
  if (operation === 'beginCatchUp') {
    policy.beginCatchUp();
    return [];
  }
  if ('endCatchUp' in operation) return policy.endCatchUp(operation.at ?? 0);
  if ('drain' in operation) return policy.drain(operation.at ?? 0);
  if ('wake' in operation) return policy.wake(operation.wake, operation.at);
  return policy.coalesce(
    { event: operation.deliver, popUp: operation.popUp ?? true },
    operation.at ?? 0,
  );
}

const supportTexts = popupKey(text('any'));

interface Row {
  name: string;
  operations: Operation[];
  /** Every step, in order, across the operations. */
  steps: string[];
  /** Where the notifier cannot replace in place. */
  newPopups?: boolean;
}

const rows: Row[] = [
  {
    name: 'the first alert of a group shows at once; its end is planned a window later',
    operations: [{ deliver: text('t1') }],
    steps: ['release t1', 'show support/text t1', 'wake support/text +2000'],
  },
  {
    name: 'later alerts update the pop-up in place at once, a few times a second, the last one trailing',
    operations: [
      { deliver: text('t1'), at: 0 },
      { deliver: text('t2'), at: 300 },
      { deliver: text('t3'), at: 400 },
      { deliver: text('t4'), at: 450 },
      { wake: supportTexts, at: 550 },
      { wake: supportTexts, at: 2_450 },
    ],
    steps: [
      'release t1',
      'show support/text t1',
      'wake support/text +2000',
      'release t2',
      'update support/text t2 of 2',
      'release t3',
      'wake support/text +150',
      'release t4',
      'update support/text t3,t4 of 4',
      'wake support/text +1900',
      'forget support/text',
    ],
  },
  {
    name: 'where the daemon cannot replace, at most one new group pop-up per window',
    newPopups: true,
    operations: [
      { deliver: text('t1'), at: 0 },
      { deliver: text('t2'), at: 300 },
      { deliver: text('t3'), at: 1_000 },
      { wake: supportTexts, at: 2_000 },
      { wake: supportTexts, at: 3_000 },
    ],
    steps: [
      'release t1',
      'show support/text t1',
      'wake support/text +2000',
      'release t2',
      'release t3',
      'update support/text t2,t3 of 3',
      'wake support/text +1000',
      'forget support/text',
    ],
  },
  {
    name: 'a group quiet for a window ends; its next alert starts a new pop-up',
    operations: [
      { deliver: text('t1'), at: 0 },
      { wake: supportTexts, at: 2_000 },
      { deliver: text('t2'), at: 2_100 },
    ],
    steps: [
      'release t1',
      'show support/text t1',
      'wake support/text +2000',
      'forget support/text',
      'release t2',
      'show support/text t2',
      'wake support/text +2000',
    ],
  },
  {
    name: 'a ringing call is never held: it shows alone, at once, beside a burst of texts on its line',
    operations: [
      { deliver: text('t1') },
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: text('t2', 'direct') },
    ],
    steps: [
      'release t1',
      'show support/text t1',
      'wake support/text +2000',
      'release c1',
      'show call/call-1 c1',
      'release t2',
      'show direct/text t2',
      'wake direct/text +2000',
    ],
  },
  {
    name: 'usage 90 % then 100 %: two pop-ups, the second on its own with its own words',
    operations: [{ deliver: usage('u1', 90) }, { deliver: usage('u2', 100), at: 100 }],
    steps: [
      'release u1',
      'show /usageThreshold u1',
      'wake /usageThreshold +2000',
      'release u2',
      'show alone/u2 u2',
      'forget alone/u2',
    ],
  },
  {
    name: 'two reminders in one window each keep their own pop-up, forgotten once shown (nothing more comes under its key)',
    operations: [{ deliver: reminder('r1', '15m') }, { deliver: reminder('r2', '1m') }],
    steps: [
      'release r1',
      'show alone/r1 r1',
      'forget alone/r1',
      'release r2',
      'show alone/r2 r2',
      'forget alone/r2',
    ],
  },
  {
    name: 'a delivery that is not to pop up is released and shows nothing',
    operations: [{ deliver: text('t1'), popUp: false }],
    steps: ['release t1'],
  },
  {
    name: 'a catch-up holds everything, then releases the backlog and shows one pop-up per group',
    operations: [
      'beginCatchUp',
      { deliver: text('t1') },
      { deliver: text('t2') },
      { deliver: text('t3', 'direct'), popUp: false },
      { endCatchUp: true },
    ],
    steps: [
      'release t1',
      'release t2',
      'release t3',
      'show support/text t1,t2',
      'wake support/text +2000',
    ],
  },
  {
    name: 'catch-ups nest: only the outermost end releases',
    operations: [
      'beginCatchUp',
      'beginCatchUp',
      { deliver: text('t1') },
      { endCatchUp: true },
      { deliver: text('t2') },
      { endCatchUp: true },
      { endCatchUp: true },
    ],
    steps: ['release t1', 'release t2', 'show support/text t1,t2', 'wake support/text +2000'],
  },
  {
    name: 'calls that stopped ringing in a backlog never ring: missed ones pop as missed, once; answered ones not at all',
    operations: [
      'beginCatchUp',
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: call('c2', 'call-2', 'ringing') },
      { deliver: call('c3', 'call-3', 'ringing') },
      { deliver: call('c4', 'call-4', 'ringing') },
      { deliver: call('e1', 'call-1', 'ended'), popUp: false },
      { deliver: call('e2', 'call-2', 'missed'), popUp: false },
      { deliver: call('e3', 'call-3', 'answered'), popUp: false },
      { endCatchUp: true },
    ],
    steps: [
      'withdraw c1 missed',
      'withdraw c2 missed',
      'withdraw c3',
      'release c4',
      'release e1',
      'release e2',
      'release e3',
      'show call/call-4 c4',
      'show missed/support c1,c2 (missedCalls)',
      'wake missed/support +2000',
    ],
  },
  {
    name: 'a drain shows what a group has not shown yet and ends every group',
    operations: [
      { deliver: text('t1'), at: 0 },
      { deliver: text('t2'), at: 100 },
      { drain: true, at: 150 },
    ],
    steps: [
      'release t1',
      'show support/text t1',
      'wake support/text +2000',
      'release t2',
      'wake support/text +150',
      'update support/text t2 of 2',
      'forget support/text',
    ],
  },
];

describe('CoalescingPolicy', () => {
  for (const row of rows) {
    it(row.name, () => {
      const policy = new CoalescingPolicy({ replaceInPlace: () => !row.newPopups });
      const steps = row.operations.flatMap((operation) => run(policy, operation));
      expect(steps.map(render)).toEqual(row.steps);
    });
  }

  it('a 20-text burst is one pop-up updated in place, whatever the pace', () => {
    const policy = new CoalescingPolicy();
    const steps: CoalescingStep[] = [];
    let wakeAt: number | null = null;
    for (let index = 0; index < 20; index++) {
      const now = index * 100;
      if (wakeAt !== null && wakeAt <= now) {
        steps.push(...policy.wake(supportTexts, wakeAt));
        wakeAt = null;
      }
      const taken = policy.coalesce({ event: text(`t${index}`), popUp: true }, now);
      steps.push(...taken);
      for (const step of taken) if (step.step === 'wake') wakeAt = now + step.afterMilliseconds;
    }
    steps.push(...policy.drain(2_000));
    expect(steps.filter((step) => step.step === 'show')).toHaveLength(1);
    const updates = steps.filter((step) => step.step === 'update');
    // 2 s of texts at most four updates a second, and the last stands for all 20.
    expect(updates.length).toBeLessThanOrEqual(9);
    expect(updates.at(-1)?.count).toBe(20);
    // Each text reaches the pop-up once (it is recorded once): a step carries what is new.
    const painted = [...steps].flatMap((step) =>
      step.step === 'show' || step.step === 'update' ? step.events.map((event) => event.id) : [],
    );
    expect(painted).toEqual(Array.from({ length: 20 }, (_, index) => `t${index}`));
  });

  it('1,000 ended calls or more in a backlog are never "new calls": all missed, in one pop-up', () => {
    const policy = new CoalescingPolicy();
    policy.beginCatchUp();
    for (let index = 0; index < 2_500; index++) {
      policy.coalesce({ event: call(`c${index}`, `call-${index}`, 'ringing'), popUp: true }, 0);
    }
    for (let index = 0; index < 2_500; index++) {
      policy.coalesce({ event: call(`e${index}`, `call-${index}`, 'ended'), popUp: false }, 0);
    }
    const steps = policy.endCatchUp(0);
    const shows = steps.filter((step) => step.step === 'show');
    expect(shows.map((step) => step.summary)).toEqual(['missedCalls']);
    expect(shows[0]?.events).toHaveLength(2_500);
  });

  it("a backlog's ringing call older than the longest ring, its stop never heard, never rings: one of the missed calls", () => {
    const longestRingMilliseconds = 10 * 60_000;
    const policy = new CoalescingPolicy({ longestRingMilliseconds });
    const endAt = Date.parse(at) + longestRingMilliseconds + 1;
    policy.beginCatchUp();
    policy.coalesce({ event: call('c1', 'call-1', 'ringing'), popUp: true }, 0);
    // Rang a minute before the end: it may still ring, so it pops (its stop closes it).
    const recent = {
      ...call('c2', 'call-2', 'ringing'),
      occurredAt: new Date(endAt - 60_000).toISOString(),
    };
    policy.coalesce({ event: recent, popUp: true }, 0);
    policy.coalesce({ event: call('c3', 'call-3', 'ringing'), popUp: false }, 0);
    expect(policy.endCatchUp(endAt).map(render)).toEqual([
      'withdraw c1 missed',
      'release c2',
      'withdraw c3 missed',
      'show call/call-2 c2',
      'show missed/support c1 (missedCalls)',
      'wake missed/support +2000',
    ]);
    // Without a longest ring (the default), the same backlog rings.
    const ringing = new CoalescingPolicy();
    ringing.beginCatchUp();
    ringing.coalesce({ event: call('c1', 'call-1', 'ringing'), popUp: true }, 0);
    expect(ringing.endCatchUp(endAt).map(render)).toEqual(['release c1', 'show call/call-1 c1']);
  });

  it('releases a backlog in slices: still holding until the last, the same pop-ups, a call stopped meanwhile never rings', () => {
    const policy = new CoalescingPolicy();
    policy.beginCatchUp();
    for (let index = 0; index < 5; index++)
      policy.coalesce({ event: text(`t${index}`), popUp: true }, 0);
    policy.coalesce({ event: call('c1', 'call-1', 'ringing'), popUp: true }, 0);
    policy.coalesce({ event: call('c2', 'call-2', 'ringing'), popUp: true }, 0);
    expect(policy.finishCatchUp()).toBe(true);
    const first = policy.releaseSome(0, 4);
    expect(first.more).toBe(true);
    expect(first.steps.map(render)).toEqual([
      'release t0',
      'release t1',
      'release t2',
      'release t3',
    ]);
    // Arriving while the backlog is released: held, joins it, and its stop is read.
    expect(policy.catchingUp).toBe(true);
    expect(policy.coalesce({ event: text('t5'), popUp: true }, 0)).toEqual([]);
    policy.releaseSome(0, 2);
    expect(policy.coalesce({ event: call('e1', 'call-1', 'missed'), popUp: false }, 0)).toEqual([]);
    const rest: string[] = [];
    for (let slice = policy.releaseSome(0, 2); ; slice = policy.releaseSome(0, 2)) {
      rest.push(...slice.steps.map(render));
      if (!slice.more) break;
    }
    expect(policy.catchingUp).toBe(false);
    expect(rest).toEqual([
      'release c2',
      'release t5',
      'release e1',
      'show support/text t0,t1,t2,t3,t4,t5',
      'wake support/text +2000',
      'withdraw c1 missed',
      'show call/call-2 c2',
      'show missed/support c1 (missedCalls)',
      'wake missed/support +2000',
    ]);
    // Live again: a text joins the open group, its update trailing after the interval.
    expect(policy.coalesce({ event: text('t6'), popUp: true }, 0).map(render)).toEqual([
      'release t6',
      'wake support/text +250',
    ]);
  });

  it('reads a group larger than a slice over several slices: one pop-up for all of it, added with the last slice', () => {
    const policy = new CoalescingPolicy();
    policy.beginCatchUp();
    for (let index = 0; index < 10; index++)
      policy.coalesce({ event: text(`t${index}`), popUp: true }, 0);
    expect(policy.finishCatchUp()).toBe(true);
    const slices: string[][] = [];
    for (let slice = policy.releaseSome(0, 4); ; slice = policy.releaseSome(0, 4)) {
      slices.push(slice.steps.map(render));
      // Held while its group is being read: it joins the group before its pop-up is added.
      if (slices.length === 3)
        expect(policy.coalesce({ event: text('t10'), popUp: true }, 0)).toEqual([]);
      if (!slice.more) break;
    }
    const all = Array.from({ length: 11 }, (_, index) => `t${index}`).join(',');
    expect(slices).toEqual([
      ['release t0', 'release t1', 'release t2', 'release t3'],
      ['release t4', 'release t5', 'release t6', 'release t7'],
      // The last two released, then the group's first four read: no pop-up yet.
      ['release t8', 'release t9'],
      ['release t10'],
      [`show support/text ${all}`, 'wake support/text +2000'],
    ]);
    expect(policy.catchingUp).toBe(false);
  });

  it('a backlog of 150,000 texts joins a group still open from before the catch-up', () => {
    const policy = new CoalescingPolicy();
    expect(policy.coalesce({ event: text('live'), popUp: true }, 0).map(render)).toContain(
      'show support/text live',
    );
    policy.beginCatchUp();
    for (let index = 0; index < 150_000; index++)
      policy.coalesce({ event: text(`t${index}`), popUp: true }, 0);
    const steps = policy.endCatchUp(1_000);
    const updates = steps.filter((step) => step.step === 'update');
    // One update of the open pop-up, up to the backlog's last text (no RangeError on the way).
    expect(updates).toHaveLength(1);
    expect(updates[0]?.events.at(-1)?.id).toBe('t149999');
  });

  it('says which alerts stand alone: the critical ones', () => {
    expect(standsAlone(call('c', 'call', 'ringing'))).toBe(true);
    expect(standsAlone(call('c', 'call', 'missed'))).toBe(false);
    expect(standsAlone(usage('u', 100))).toBe(true);
    expect(standsAlone(usage('u', 90))).toBe(false);
    expect(standsAlone(reminder('r', '1m'))).toBe(true);
    expect(standsAlone(text('t'))).toBe(false);
  });
});
