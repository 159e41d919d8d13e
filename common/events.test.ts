import { describe, expect, it } from 'vitest';
import { alertTypes } from './alert-types';
import {
  alertEventSchema,
  eventKinds,
  reminderOffsetMilliseconds,
  reminderOffsets,
  serviceEventSchema,
  usageThresholds,
  type AlertEvent,
} from './events';
import { sampleEvent } from '../test/support/demo-business';
import { parseWith } from './validation';

const onTheWire = (event: AlertEvent, seq = 1): Record<string, unknown> => ({
  ...event,
  seq,
  userId: 'user-ana',
});

const megabyte = 'x'.repeat(1024 * 1024);

describe('events', () => {
  it.each(alertTypes)('a sample %s event is valid in the companion and on the wire', (type) => {
    const event = sampleEvent(type);
    expect(alertEventSchema.safeParse(event).success).toBe(true);
    const wire = JSON.parse(JSON.stringify(onTheWire(event))) as unknown;
    expect(serviceEventSchema.parse(wire)).toEqual(onTheWire(event));
  });

  it('service events need a user and a positive sequence number; companion events do not', () => {
    const event = sampleEvent('mention');
    expect(serviceEventSchema.safeParse(event).success).toBe(false);
    expect(serviceEventSchema.safeParse(onTheWire(event, 0)).success).toBe(false);
    expect(alertEventSchema.safeParse(onTheWire(event)).success).toBe(false);
  });

  it('every kind has a body, and the constants agree with each other', () => {
    expect(eventKinds).toContain('accountReport');
    expect(eventKinds).toHaveLength(new Set(eventKinds).size);
    expect(reminderOffsets.map((offset) => reminderOffsetMilliseconds[offset])).toEqual([
      86_400_000, 3_600_000, 900_000, 60_000,
    ]);
    expect(usageThresholds).toEqual([75, 90, 100]);
  });
});

describe('hostile input is rejected by serviceEventSchema', () => {
  const valid = () => onTheWire(sampleEvent('textPersonal'));
  const cases: Array<{ name: string; input: () => unknown; path: string }> = [
    { name: 'a 1 MB text body', input: () => ({ ...valid(), body: megabyte }), path: 'body' },
    {
      name: 'a 1 MB contact name',
      input: () => ({ ...valid(), contactName: megabyte }),
      path: 'contactName',
    },
    { name: 'a 1 MB caller', input: () => ({ ...valid(), from: megabyte }), path: 'from' },
    { name: 'a 1 MB id', input: () => ({ ...valid(), id: megabyte }), path: 'id' },
    {
      name: 'an unknown kind',
      input: () => ({ ...valid(), kind: 'launchMissiles' }),
      path: 'kind',
    },
    { name: 'no kind', input: () => ({ ...valid(), kind: undefined }), path: 'kind' },
    {
      name: 'a __proto__ key from JSON',
      input: (): unknown =>
        JSON.parse(JSON.stringify(valid()).replace(/^\{/, '{"__proto__":{"isAdmin":true},')),
      path: '__proto__',
    },
    {
      name: 'a constructor key',
      input: () => ({ ...valid(), constructor: { prototype: { polluted: true } } }),
      path: 'constructor',
    },
    {
      name: 'an unknown field',
      input: () => ({ ...valid(), html: '<script>' }),
      path: 'html',
    },
    {
      name: 'a prototype-key line id',
      input: () => ({ ...valid(), lineId: '__proto__' }),
      path: 'lineId',
    },
    { name: 'a number where text belongs', input: () => ({ ...valid(), body: 42 }), path: 'body' },
    { name: 'a string sequence number', input: () => ({ ...valid(), seq: '1' }), path: 'seq' },
    { name: 'a fractional sequence number', input: () => ({ ...valid(), seq: 1.5 }), path: 'seq' },
    {
      name: 'a date that is not ISO',
      input: () => ({ ...valid(), occurredAt: 'yesterday' }),
      path: 'occurredAt',
    },
    {
      name: 'a caller that is not a number',
      input: () => ({ ...valid(), from: 'DROP TABLE' }),
      path: 'from',
    },
    { name: 'null', input: () => null, path: '(root)' },
    { name: 'an array', input: () => [valid()], path: '(root)' },
    { name: 'a string', input: () => JSON.stringify(valid()), path: '(root)' },
    {
      name: 'a lead score over 100',
      input: () => ({ ...onTheWire(sampleEvent('leadNew')), score: 101 }),
      path: 'score',
    },
    {
      name: 'a usage threshold that does not exist',
      input: () => ({ ...onTheWire(sampleEvent('usage75')), threshold: 80 }),
      path: 'threshold',
    },
    {
      name: 'a report type that does not exist',
      input: () => ({ ...onTheWire(sampleEvent('reportDailyActivity')), report: 'toString' }),
      path: 'report',
    },
    {
      name: 'an appointment that ends before it starts',
      input: () => {
        const event = onTheWire(sampleEvent('appointmentCreated'));
        return {
          ...event,
          appointment: {
            ...(event['appointment'] as object),
            endsAt: '2026-11-24T14:00:00Z',
          },
        };
      },
      path: 'appointment.endsAt',
    },
    {
      name: 'a reminder offset that does not exist',
      input: () => ({ ...onTheWire(sampleEvent('appointmentReminder1Day')), offset: '2d' }),
      path: 'offset',
    },
  ];

  it.each(cases)('$name', ({ input, path }) => {
    const result = parseWith(serviceEventSchema, input());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.path)).toContain(path);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('the untouched event is accepted (the cases above fail for their own reason)', () => {
    expect(serviceEventSchema.safeParse(valid()).success).toBe(true);
  });

  it('names an unknown __proto__ key as the field to remove', () => {
    const input: unknown = JSON.parse(
      JSON.stringify(valid()).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
    );
    const result = parseWith(serviceEventSchema, input);
    expect(result).toMatchObject({
      ok: false,
      errors: [{ path: '__proto__', message: 'Unknown field' }],
    });
  });
});
