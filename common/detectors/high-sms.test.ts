import { describe, expect, it } from 'vitest';
import { highSmsRule } from '../alert-types';
import { alertEventSchema, type AlertEvent } from '../events';
import { runDetector } from '../../test/support/run-detector';
import { highSmsDetector, highSmsEventId, type HighSmsState } from './high-sms';

const start = Date.parse('2026-11-23T15:00:00.000Z');

interface Text {
  /** Milliseconds after `start`. */
  at: number;
  from?: string;
  lineId?: string;
}

function text({ at, from = '+14155552631', lineId = 'line-jordan' }: Text): AlertEvent {
  return {
    kind: 'text',
    id: `text-${at}-${from}-${lineId}`,
    occurredAt: new Date(start + at).toISOString(),
    lineId,
    from,
    contactName: 'Ann Lee',
    body: 'hi',
  };
}

/** `count` texts from one contact to one line, `gap` ms apart, from `offset` ms after start. */
function burst(
  count: number,
  gap: number,
  offset = 0,
  fields: Omit<Text, 'at'> = {},
): AlertEvent[] {
  return Array.from({ length: count }, (_, index) => text({ at: offset + index * gap, ...fields }));
}

describe('highSmsDetector', () => {
  it('follows the rule in common: more than 15 texts within 30 s', () => {
    expect(highSmsRule).toMatchObject({ moreThan: 15, windowSeconds: 30 });
  });

  const cases: Array<{ name: string; events: AlertEvent[]; alerts: number }> = [
    { name: '16 texts 2 s apart (30 s from first to 16th)', events: burst(16, 2_000), alerts: 1 },
    { name: '15 texts 100 ms apart', events: burst(15, 100), alerts: 0 },
    {
      name: '16 texts over 31 s',
      events: [text({ at: 0 }), ...burst(15, 2_000, 3_000)],
      alerts: 0,
    },
    { name: '100 texts 500 ms apart: one burst', events: burst(100, 500), alerts: 1 },
    { name: '20 texts in 10 s', events: burst(20, 500), alerts: 1 },
    {
      name: 'two contacts interleaved, 15 each',
      events: burst(15, 1_000).flatMap((event, index) => [
        event,
        text({ at: index * 1_000 + 1, from: '+14155552632' }),
      ]),
      alerts: 0,
    },
    {
      name: 'one number on two lines, 10 each',
      events: burst(10, 1_000).flatMap((event, index) => [
        event,
        text({ at: index * 1_000 + 1, lineId: 'line-support' }),
      ]),
      alerts: 0,
    },
    {
      name: 'two bursts 21 s apart: still one burst',
      events: [...burst(20, 1_000), ...burst(20, 1_000, 40_000)],
      alerts: 1,
    },
    {
      name: 'two bursts more than 30 s apart: two',
      events: [...burst(20, 1_000), ...burst(20, 1_000, 19_000 + 31_000)],
      alerts: 2,
    },
    {
      name: 'a backlog of 20 texts a minute apart',
      events: burst(20, 60_000),
      alerts: 0,
    },
    {
      name: 'other kinds of events',
      events: [
        {
          kind: 'usage',
          id: 'usage-1',
          occurredAt: new Date(start).toISOString(),
          periodId: 'p',
          usedMinutes: 1,
          includedMinutes: 10,
        },
      ],
      alerts: 0,
    },
  ];

  it.each(cases)('$name: $alerts alert(s)', ({ events, alerts }) => {
    const { derived } = runDetector(highSmsDetector, events);
    expect(derived).toHaveLength(alerts);
    for (const alert of derived) expect(alertEventSchema.parse(alert)).toEqual(alert);
  });

  it('raises the alert on the 16th text, with the span from the first to the 16th', () => {
    const events = burst(20, 500);
    const sixteen = runDetector(highSmsDetector, events.slice(0, 16)).derived;
    expect(runDetector(highSmsDetector, events.slice(0, 15)).derived).toEqual([]);
    expect(sixteen).toEqual([
      {
        kind: 'highSms',
        id: highSmsEventId('user-jordan', 'line-jordan', '+14155552631', start),
        occurredAt: new Date(start + 15 * 500).toISOString(),
        lineId: 'line-jordan',
        from: '+14155552631',
        contactName: 'Ann Lee',
        count: 16,
        windowSeconds: 8,
      },
    ]);
    expect(runDetector(highSmsDetector, burst(16, 2_000)).derived[0]).toMatchObject({
      windowSeconds: 30,
    });
  });

  it('gives a burst the same id every time, and another user or burst another id', () => {
    const events = burst(16, 1_000);
    const [first] = runDetector(highSmsDetector, events).derived;
    const [again] = runDetector(highSmsDetector, events).derived;
    const [taylors] = runDetector(highSmsDetector, events, { userId: 'user-taylor' }).derived;
    const [later] = runDetector(highSmsDetector, burst(16, 1_000, 60_000)).derived;
    expect(first?.id).toBe(again?.id);
    expect(new Set([first?.id, taylors?.id, later?.id]).size).toBe(3);
  });

  it('keeps one state per line and contact, and a text out of order keeps the times sorted', () => {
    const events = [
      ...burst(5, 1_000),
      text({ at: 500 }),
      text({ at: 0, lineId: 'line-support' }),
      text({ at: 0, from: '+14155552632' }),
    ];
    const { states } = runDetector(highSmsDetector, events);
    expect([...states.keys()].sort()).toEqual([
      'line-jordan +14155552631',
      'line-jordan +14155552632',
      'line-support +14155552631',
    ]);
    const times = states.get('line-jordan +14155552631')?.times ?? [];
    expect(times).toEqual([0, 1_000, 2_000, 3_000, 4_000, 4_000].map((at) => start + at));
  });

  it('keeps at most 16 times per contact, and forgets contacts idle past 30 s', () => {
    const many = Array.from({ length: 300 }, (_, index) =>
      text({ at: index, from: `+1415555${String(index).padStart(4, '0')}` }),
    );
    expect(runDetector(highSmsDetector, many).states.size).toBe(300);
    const quiet = runDetector(highSmsDetector, [...many, text({ at: 31_000 + 1_000 })]).states;
    expect([...quiet.keys()]).toEqual(['line-jordan +14155552631']);
    const long = runDetector(highSmsDetector, burst(100, 10)).states;
    expect(long.get('line-jordan +14155552631')?.times).toHaveLength(16);
    const state = long.get('line-jordan +14155552631') as HighSmsState;
    expect(highSmsDetector.expiresAt(state)).toBe(start + 990 + 30_000);
  });

  it('refuses a stored state that is not one, so the service starts afresh', () => {
    const bad: unknown[] = [
      null,
      { times: [] },
      { times: [1], burstStartedAt: 'x', alerted: false },
    ];
    for (const stored of bad)
      expect(highSmsDetector.stateSchema.safeParse(stored).success).toBe(false);
    const state: HighSmsState = { times: [start], burstStartedAt: start, alerted: false };
    expect(highSmsDetector.wakeAt(state)).toBeNull();
    expect(highSmsDetector.due(state, start, { userId: 'user-jordan' })).toEqual({
      state,
      derived: [],
    });
  });
});
