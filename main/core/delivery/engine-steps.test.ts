import { describe, expect, it } from 'vitest';
import type { EventOfKind } from '../../../common';
import { backlogSteps, type Delivery, type EngineStep } from './engine-steps';

const at = '2026-11-22T09:00:00.000Z';

function ringing(id: string): EventOfKind<'call'> {
  return {
    kind: 'call',
    id,
    lineId: 'support',
    from: '+14155552671',
    contactName: null,
    occurredAt: at,
    callId: `call-${id}`,
    state: 'ringing',
  };
}

function delivery(event: EventOfKind<'call'>, popUp: boolean): Delivery {
  return { event, popUp, inApp: true, quietReason: null };
}

const withdraw = (id: string, popUp = true): EngineStep => ({
  step: 'withdraw',
  delivery: delivery(ringing(id), popUp),
  call: ringing(id),
  missed: true,
});

describe("backlogSteps: a slice of a catch-up's end as the engine carries it out", () => {
  it('drops releases and carries each run of withdrawn calls as one step, in order', () => {
    const show: EngineStep = {
      step: 'show',
      key: 'k',
      events: [ringing('s')],
      count: 1,
      summary: null,
    };
    const steps: EngineStep[] = [
      { step: 'release', delivery: delivery(ringing('r'), true) },
      withdraw('a'),
      withdraw('b', false),
      withdraw('c'),
      show,
      withdraw('d'),
    ];
    expect(backlogSteps(steps)).toEqual([
      { step: 'withdrawAll', recorded: ['a', 'c'], settled: ['b'] },
      show,
      { step: 'withdrawAll', recorded: ['d'], settled: [] },
    ]);
  });
});
