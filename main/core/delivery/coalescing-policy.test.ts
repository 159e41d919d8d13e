import { describe, expect, it } from 'vitest';
import type { AlertEvent, EventOfKind } from '../../../common';
import { CoalescingPolicy, groupKey, type CoalescingStep } from './coalescing-policy';

/** The grouping rules alone: no clock, notifier or store, so each row reads as input → steps. */

const at = '2026-11-22T09:00:00.000Z';

function text(id: string, lineId = 'support'): EventOfKind<'text'> {
  return {
    kind: 'text',
    id,
    occurredAt: at,
    lineId,
    from: '+14155552671',
    contactName: null,
    body: 'Hi',
  };
}

function call(id: string, callId: string, state: 'ringing' | 'ended', lineId = 'support') {
  const event: EventOfKind<'call'> = {
    kind: 'call',
    id,
    occurredAt: at,
    lineId,
    from: '+14155552671',
    contactName: null,
    callId,
    state,
  };
  return event;
}

function voicemail(id: string): EventOfKind<'voicemail'> {
  return {
    kind: 'voicemail',
    id,
    occurredAt: at,
    lineId: 'support',
    from: '+14155552671',
    contactName: null,
    durationSeconds: 12,
    transcript: 'Call me back',
  };
}

type Operation =
  | { deliver: AlertEvent; popUp?: boolean }
  | 'beginCatchUp'
  | 'endCatchUp'
  | { windowPassed: string }
  | 'drain'
  | 'closeWindows';

/** A step as one short line: "show t2,t3", "openWindow support/text". */
function render(step: CoalescingStep): string {
  switch (step.step) {
    case 'release':
    case 'missedCall':
      return `${step.step} ${step.delivery.event.id}`;
    case 'withdraw':
      return `withdraw ${step.call.id}`;
    case 'show':
      return `show ${step.events.map((event) => event.id).join(',')}`;
    case 'openWindow':
      return `openWindow ${step.key.replace('\u0000', '/')}`;
  }
}

function run(policy: CoalescingPolicy, operation: Operation): CoalescingStep[] {
  if (operation === 'beginCatchUp') {
    policy.beginCatchUp();
    return [];
  }
  if (operation === 'endCatchUp') return policy.endCatchUp();
  if (operation === 'drain') return policy.drain();
  if (operation === 'closeWindows') {
    policy.closeWindows();
    return [];
  }
  if ('windowPassed' in operation) return policy.windowPassed(operation.windowPassed);
  return policy.coalesce({ event: operation.deliver, popUp: operation.popUp ?? true });
}

const supportTexts = 'support\u0000text';
const supportCalls = 'support\u0000call';

interface Row {
  name: string;
  operations: Operation[];
  /** Every step, in order, across the operations. */
  steps: string[];
  /** What the open windows hold at the end, by group ("support/text": ids). */
  open?: Record<string, string[]>;
}

const rows: Row[] = [
  {
    name: 'the first pop-up of a group shows at once and opens its window',
    operations: [{ deliver: text('t1') }],
    steps: ['release t1', 'show t1', 'openWindow support/text'],
    open: { 'support/text': [] },
  },
  {
    name: 'later ones wait in the window; when it passes they show as one and a new window opens',
    operations: [
      { deliver: text('t1') },
      { deliver: text('t2') },
      { deliver: text('t3') },
      { windowPassed: supportTexts },
    ],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release t2',
      'release t3',
      'show t2,t3',
      'openWindow support/text',
    ],
    open: { 'support/text': [] },
  },
  {
    name: 'a window that passes empty closes; the next pop-up shows at once',
    operations: [{ deliver: text('t1') }, { windowPassed: supportTexts }, { deliver: text('t2') }],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release t2',
      'show t2',
      'openWindow support/text',
    ],
  },
  {
    name: 'groups are per line and kind: a text, a call and a text on another line all show at once',
    operations: [
      { deliver: text('t1') },
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: text('t2', 'direct') },
    ],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release c1',
      'show c1',
      'openWindow support/call',
      'release t2',
      'show t2',
      'openWindow direct/text',
    ],
  },
  {
    name: 'a delivery that is not to pop up is released and opens no window',
    operations: [{ deliver: text('t1'), popUp: false }, { deliver: text('t2') }],
    steps: ['release t1', 'release t2', 'show t2', 'openWindow support/text'],
  },
  {
    name: 'a catch-up holds everything, then releases the backlog and shows one pop-up per group',
    operations: [
      'beginCatchUp',
      { deliver: text('t1') },
      { deliver: text('t2') },
      { deliver: voicemail('v1') },
      { deliver: text('t3', 'direct'), popUp: false },
      'endCatchUp',
    ],
    steps: [
      'release t1',
      'release t2',
      'release v1',
      'release t3',
      'show t1,t2',
      'openWindow support/text',
      'show v1',
      'openWindow support/voicemail',
    ],
  },
  {
    name: 'catch-ups nest: only the outermost end releases',
    operations: [
      'beginCatchUp',
      'beginCatchUp',
      { deliver: text('t1') },
      'endCatchUp',
      { deliver: text('t2') },
      'endCatchUp',
      'endCatchUp',
    ],
    steps: ['release t1', 'release t2', 'show t1,t2', 'openWindow support/text'],
  },
  {
    name: 'a backlog folds into a window that is still open',
    operations: [
      { deliver: text('t1') },
      'beginCatchUp',
      { deliver: text('t2') },
      { deliver: text('t3') },
      'endCatchUp',
      { windowPassed: supportTexts },
    ],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release t2',
      'release t3',
      'show t2,t3',
      'openWindow support/text',
    ],
  },
  {
    name: 'a ringing call whose end is in the backlog is a missed call and never pops',
    operations: [
      'beginCatchUp',
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: call('c2', 'call-1', 'ended'), popUp: false },
      'endCatchUp',
    ],
    steps: ['missedCall c1', 'release c2'],
  },
  {
    name: 'a ringing call seen after its end is a missed call',
    operations: [
      { deliver: call('c1', 'call-1', 'ended'), popUp: false },
      { deliver: call('c2', 'call-1', 'ringing') },
    ],
    steps: ['release c1', 'missedCall c2'],
  },
  {
    name: 'an end withdraws its ringing pop-up still waiting in the window, and only that one',
    operations: [
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: call('c2', 'call-2', 'ringing') },
      { deliver: call('c3', 'call-3', 'ringing') },
      { deliver: call('c4', 'call-2', 'ended'), popUp: false },
      { windowPassed: supportCalls },
    ],
    steps: [
      'release c1',
      'show c1',
      'openWindow support/call',
      'release c2',
      'release c3',
      'withdraw c2',
      'release c4',
      'show c3',
      'openWindow support/call',
    ],
  },
  {
    name: 'an end withdraws a waiting ringing pop-up even during a catch-up',
    operations: [
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: call('c2', 'call-2', 'ringing') },
      'beginCatchUp',
      { deliver: call('c3', 'call-2', 'ended'), popUp: false },
      'endCatchUp',
    ],
    steps: [
      'release c1',
      'show c1',
      'openWindow support/call',
      'release c2',
      'withdraw c2',
      'release c3',
    ],
    open: { 'support/call': [] },
  },
  {
    name: 'an end on another line withdraws nothing',
    operations: [
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: call('c2', 'call-2', 'ringing') },
      { deliver: call('c3', 'call-2', 'ended', 'direct'), popUp: false },
    ],
    steps: ['release c1', 'show c1', 'openWindow support/call', 'release c2', 'release c3'],
    open: { 'support/call': ['c2'] },
  },
  {
    name: 'drain shows what every window holds and closes them all',
    operations: [
      { deliver: text('t1') },
      { deliver: text('t2') },
      { deliver: call('c1', 'call-1', 'ringing') },
      { deliver: text('t3', 'direct') },
      { deliver: call('c2', 'call-2', 'ringing') },
      'drain',
    ],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release t2',
      'release c1',
      'show c1',
      'openWindow support/call',
      'release t3',
      'show t3',
      'openWindow direct/text',
      'release c2',
      'show t2',
      'show c2',
    ],
    open: {},
  },
  {
    name: 'closed windows drop what they held: the next pop-up shows at once',
    operations: [
      { deliver: text('t1') },
      { deliver: text('t2') },
      'closeWindows',
      { deliver: text('t3') },
    ],
    steps: [
      'release t1',
      'show t1',
      'openWindow support/text',
      'release t2',
      'release t3',
      'show t3',
      'openWindow support/text',
    ],
  },
  {
    name: 'an end of catch-up without a beginning does nothing',
    operations: ['endCatchUp', { deliver: text('t1') }],
    steps: ['release t1', 'show t1', 'openWindow support/text'],
  },
];

describe('CoalescingPolicy', () => {
  it.each(rows)('$name', ({ operations, steps, open }) => {
    const policy = new CoalescingPolicy();
    const taken = operations.flatMap((operation) => run(policy, operation).map(render));
    expect(taken).toEqual(steps);
    if (open) {
      const windows = Object.fromEntries(
        [...policy.openWindows].map(([key, events]) => [
          key.replace('\u0000', '/'),
          events.map((event) => event.id),
        ]),
      );
      expect(windows).toEqual(open);
    }
  });

  it('hands a held delivery back as it was given, with what it carries besides', () => {
    const policy = new CoalescingPolicy<{ event: AlertEvent; popUp: boolean; note: string }>();
    policy.beginCatchUp();
    const delivery = { event: text('t1'), popUp: false, note: 'muted' };
    expect(policy.coalesce(delivery)).toEqual([]);
    expect(policy.held).toEqual([delivery]);
    expect(policy.endCatchUp()).toEqual([{ step: 'release', delivery }]);
    expect(policy.held).toEqual([]);
  });

  it('remembers the last 2,000 ended calls: an older one rings again as new', () => {
    const policy = new CoalescingPolicy();
    for (let index = 0; index <= 2_000; index++) {
      policy.coalesce({ event: call(`end-${index}`, `call-${index}`, 'ended'), popUp: false });
    }
    const steps = (callId: string) =>
      policy
        .coalesce({ event: call(`ring-${callId}`, callId, 'ringing'), popUp: true })
        .map(render);
    expect(steps('call-0')).toEqual([
      'release ring-call-0',
      'show ring-call-0',
      'openWindow support/call',
    ]);
    expect(steps('call-1')).toEqual(['missedCall ring-call-1']);
  });

  it('keys groups on line and kind; events without a line group by kind alone', () => {
    expect(groupKey(text('t1'))).toBe(groupKey(text('t2')));
    expect(groupKey(text('t1'))).not.toBe(groupKey(text('t1', 'direct')));
    expect(groupKey(text('t1'))).not.toBe(groupKey(voicemail('v1')));
    const report: AlertEvent = {
      kind: 'accountReport',
      id: 'r1',
      occurredAt: at,
      report: 'billingWarning',
      summary: 'Card expires soon',
    };
    expect(groupKey(report)).toBe('\u0000accountReport');
  });
});
