import { describe, expect, it } from 'vitest';
import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  type BusinessDefaults,
  type UserPreferences,
} from '../../../common';
import type { OutboxEntry } from '../store/repositories';
import {
  adopt,
  conflictNote,
  historyField,
  narrowed,
  narrowedNote,
  nextSend,
  rebase,
  type AdoptionInput,
  type OutboxEdit,
} from './rebase-rules';

/** The conflict rules without a service or a store: each rule where it applies and where not. */

function entry(
  id: number,
  changes: Record<string, unknown>,
  extra: Partial<OutboxEntry> = {},
): OutboxEntry {
  return {
    id,
    idempotencyKey: `key-${id}`,
    document: 'preferences',
    changes,
    baseVersion: 1,
    createdAt: 0,
    attempts: 0,
    ...extra,
  };
}

const base = { fisherMode: false, leadScoreThreshold: 50, email: 'a@example.com' };

describe('rebase: pending entries onto a new server copy', () => {
  const cases: Array<{
    rule: string;
    pending: OutboxEntry[];
    incoming: Record<string, unknown>;
    outbox: OutboxEdit[];
    overridden: Record<string, { yours: unknown; theirs: unknown }>;
  }> = [
    {
      rule: 'a value the service already has is dropped (the entry, now empty, removed)',
      pending: [entry(1, { fisherMode: true })],
      incoming: { ...base, fisherMode: true },
      outbox: [{ kind: 'remove', id: 1 }],
      overridden: {},
    },
    {
      rule: 'not dropped when the service left the field alone: it stays pending, key kept',
      pending: [entry(1, { fisherMode: true })],
      incoming: { ...base, leadScoreThreshold: 60 },
      outbox: [],
      overridden: {},
    },
    {
      rule: 'a field the service changed since the base takes its value and is reported',
      pending: [entry(1, { email: 'mine@example.com' })],
      incoming: { ...base, email: 'theirs@example.com' },
      outbox: [{ kind: 'remove', id: 1 }],
      overridden: { email: { yours: 'mine@example.com', theirs: 'theirs@example.com' } },
    },
    {
      rule: 'an entry whose content changed keeps the rest under a fresh key',
      pending: [entry(1, { email: 'mine@example.com', fisherMode: true })],
      incoming: { ...base, email: 'theirs@example.com' },
      outbox: [{ kind: 'rekey', id: 1, changes: { fisherMode: true } }],
      overridden: { email: { yours: 'mine@example.com', theirs: 'theirs@example.com' } },
    },
    {
      rule: 'an entry that may have been sent gets a fresh key even with the same content',
      pending: [entry(1, { fisherMode: true }, { attempts: 1 })],
      incoming: { ...base, leadScoreThreshold: 60 },
      outbox: [{ kind: 'rekey', id: 1, changes: { fisherMode: true } }],
      overridden: {},
    },
    {
      rule: 'the later of two entries on one overridden field is the one reported',
      pending: [
        entry(1, { email: 'first@example.com' }),
        entry(2, { email: 'second@example.com' }),
      ],
      incoming: { ...base, email: 'theirs@example.com' },
      outbox: [
        { kind: 'remove', id: 1 },
        { kind: 'remove', id: 2 },
      ],
      overridden: { email: { yours: 'second@example.com', theirs: 'theirs@example.com' } },
    },
  ];

  it.each(cases)('$rule', ({ pending, incoming, outbox, overridden }) => {
    const rebased = rebase(pending, base, incoming);
    expect(rebased.outbox).toEqual(outbox);
    expect(Object.fromEntries(rebased.overridden)).toEqual(overridden);
  });
});

describe('adopt: a new server copy becomes the merge base', () => {
  function input(
    overrides: Partial<AdoptionInput<Record<string, unknown>>>,
  ): AdoptionInput<Record<string, unknown>> {
    return {
      document: 'preferences',
      base: { version: 3, document: base },
      incoming: { version: 4, document: { ...base, leadScoreThreshold: 60 } },
      pending: [],
      preferences: null,
      userId: 'user-jordan',
      fromDevice: 'device-laptop',
      at: 1000,
      ...overrides,
    };
  }

  it.each([
    { rule: 'an older copy changes nothing', version: 2, adopted: false },
    { rule: 'an equal version changes nothing', version: 3, adopted: false },
    { rule: 'a newer copy is adopted', version: 4, adopted: true },
  ])('$rule', ({ version, adopted }) => {
    const result = adopt(input({ incoming: { version, document: { ...base, fisherMode: true } } }));
    expect(result !== null).toBe(adopted);
  });

  it('the first download rebases nothing and writes no history; a later one does', () => {
    const pending = [entry(1, { leadScoreThreshold: 70 })];
    expect(adopt(input({ base: null, pending }))).toEqual({
      outbox: [],
      history: [],
      overridden: [],
    });
    const later = adopt(input({ pending }));
    expect(later?.outbox).toEqual([{ kind: 'remove', id: 1 }]);
    expect(later?.history).toHaveLength(1);
  });

  it('only rebases the adopted document’s entries', () => {
    const pending = [
      entry(1, { leadScoreThreshold: 60 }, { document: 'businessDefaults' }),
      entry(2, { leadScoreThreshold: 60 }),
    ];
    expect(adopt(input({ pending }))?.outbox).toEqual([{ kind: 'remove', id: 2 }]);
  });

  it.each([
    {
      rule: 'a service change is recorded with the old value, by the user (preferences)',
      document: 'preferences' as const,
      pending: [],
      row: { field: 'leadScoreThreshold', oldValue: 50, by: 'user-jordan', note: null },
      overridden: [],
    },
    {
      rule: 'a business defaults change is recorded by "business", field prefixed',
      document: 'businessDefaults' as const,
      pending: [],
      row: {
        field: 'businessDefaults.leadScoreThreshold',
        oldValue: 50,
        by: 'business',
        note: null,
      },
      overridden: [],
    },
    {
      rule: 'a change over a pending edit names your value as the old one and is reported',
      document: 'preferences' as const,
      pending: [entry(1, { leadScoreThreshold: 70 })],
      row: { field: 'leadScoreThreshold', oldValue: 70, by: 'user-jordan', note: conflictNote },
      overridden: [{ field: 'leadScoreThreshold', yours: 70, theirs: 60 }],
    },
  ])('$rule', ({ document, pending, row, overridden }) => {
    const pendingOfDocument = pending.map((item) => ({ ...item, document }));
    const result = adopt(input({ document, pending: pendingOfDocument }));
    expect(result?.history).toEqual([
      {
        ...row,
        at: 1000,
        newValue: 60,
        deviceId: 'device-laptop',
        origin: 'server',
      },
    ]);
    expect(result?.overridden).toEqual(overridden);
  });

  it('reports a conflict at a path the diff names differently (a whole object edited)', () => {
    const nested = { channel: { enabled: true, address: 'a@example.com' } };
    const result = adopt<Record<string, unknown>>({
      ...input({}),
      base: { version: 3, document: nested },
      incoming: { version: 4, document: { channel: { enabled: true, address: 'b@example.com' } } },
      pending: [entry(1, { channel: { enabled: false, address: 'a@example.com' } })],
    });
    expect(result?.history.map((row) => [row.field, row.note])).toEqual([
      ['channel.address', null],
      ['channel', conflictNote],
    ]);
    expect(result?.overridden).toEqual([
      {
        field: 'channel',
        yours: { enabled: false, address: 'a@example.com' },
        theirs: { enabled: true, address: 'b@example.com' },
      },
    ]);
  });

  it('adds the narrowing rows for business defaults, and none for preferences', () => {
    const before = defaultBusinessDefaults();
    const after = turnOff(before, 'callPersonal');
    const preferences = defaultUserPreferences();
    const business = adopt<BusinessDefaults>({
      ...input({}),
      document: 'businessDefaults',
      base: { version: 3, document: before },
      incoming: { version: 4, document: after },
      preferences,
    });
    expect(business?.history.map((row) => row.note)).toEqual([null, narrowedNote]);
    const ownPreferences = adopt<UserPreferences>({
      ...input({}),
      base: { version: 3, document: preferences },
      incoming: { version: 4, document: { ...preferences, fisherMode: true } },
      preferences,
    });
    expect(ownPreferences?.history.map((row) => row.note)).toEqual([null]);
  });
});

function turnOff(defaults: BusinessDefaults, type: 'callPersonal' | 'billingWarning') {
  return {
    ...defaults,
    alerts: { ...defaults.alerts, [type]: { ...defaults.alerts[type], enabled: false } },
  };
}

describe('narrowed: what new business defaults turn off that the user had on', () => {
  const on = defaultUserPreferences();
  const defaults = defaultBusinessDefaults();
  const withoutEmail = {
    ...defaults,
    allowedChannels: { ...defaults.allowedChannels, email: false },
  };
  const withoutText = {
    ...defaults,
    allowedChannels: { ...defaults.allowedChannels, text: false },
  };
  const cases: Array<{
    rule: string;
    preferences: UserPreferences;
    before: BusinessDefaults;
    after: BusinessDefaults;
    fields: string[];
  }> = [
    {
      rule: 'an alert type the user had on, turned off',
      preferences: on,
      before: defaults,
      after: turnOff(defaults, 'callPersonal'),
      fields: ['alerts.callPersonal'],
    },
    {
      rule: 'not an alert type the user had off',
      preferences: { ...on, alerts: { ...on.alerts, callPersonal: false } },
      before: defaults,
      after: turnOff(defaults, 'callPersonal'),
      fields: [],
    },
    {
      rule: 'not an alert type that was already off',
      preferences: on,
      before: turnOff(defaults, 'callPersonal'),
      after: turnOff(defaults, 'callPersonal'),
      fields: [],
    },
    {
      rule: 'an account alert the user had on, turned off',
      preferences: on,
      before: defaults,
      after: turnOff(defaults, 'billingWarning'),
      fields: ['accountAlerts.billingWarning'],
    },
    {
      rule: 'a channel the user had on, no longer allowed',
      preferences: on,
      before: defaults,
      after: withoutEmail,
      fields: ['channels.email'],
    },
    {
      rule: 'not a channel that was already not allowed',
      preferences: on,
      before: withoutEmail,
      after: withoutEmail,
      fields: [],
    },
    {
      rule: 'not a channel the user had off (texts are opt-in)',
      preferences: on,
      before: defaults,
      after: withoutText,
      fields: [],
    },
  ];

  it.each(cases)('$rule', ({ preferences, before, after, fields }) => {
    const rows = narrowed(preferences, before, after, 1000);
    expect(rows.map((row) => row.field)).toEqual(fields);
    for (const row of rows) {
      expect(row).toMatchObject({ oldValue: true, newValue: false, by: 'business' });
      expect(row.note).toBe(narrowedNote);
    }
  });
});

describe('nextSend: which entries go out together', () => {
  const business = { document: 'businessDefaults' as const };
  const cases: Array<{ rule: string; pending: OutboxEntry[]; next: ReturnType<typeof nextSend> }> =
    [
      { rule: 'nothing pending, nothing to send', pending: [], next: null },
      {
        rule: 'a lone entry goes as it is',
        pending: [entry(1, { fisherMode: true })],
        next: { kind: 'send', entry: entry(1, { fisherMode: true }) },
      },
      {
        rule: 'a run of never-sent entries of one document merges, later values winning',
        pending: [
          entry(1, { fisherMode: true, leadScoreThreshold: 60 }),
          entry(2, { leadScoreThreshold: 70 }),
          entry(3, { a: 1 }, business),
        ],
        next: { kind: 'merge', ids: [1, 2], changes: { fisherMode: true, leadScoreThreshold: 70 } },
      },
      {
        rule: 'a head that may have been sent goes alone, with its content and key',
        pending: [entry(1, { fisherMode: true }, { attempts: 1 }), entry(2, { b: 2 })],
        next: { kind: 'send', entry: entry(1, { fisherMode: true }, { attempts: 1 }) },
      },
      {
        rule: 'the run stops at an entry that may have been sent',
        pending: [entry(1, { a: 1 }), entry(2, { b: 2 }), entry(3, { c: 3 }, { attempts: 2 })],
        next: { kind: 'merge', ids: [1, 2], changes: { a: 1, b: 2 } },
      },
      {
        rule: 'the run stops at another document',
        pending: [entry(1, { a: 1 }), entry(2, { b: 2 }, business)],
        next: { kind: 'send', entry: entry(1, { a: 1 }) },
      },
    ];

  it.each(cases)('$rule', ({ pending, next }) => {
    expect(nextSend(pending)).toEqual(next);
  });
});

describe('historyField', () => {
  it.each([
    { document: 'preferences' as const, field: 'channels.email.address' },
    { document: 'businessDefaults' as const, field: 'businessDefaults.channels.email.address' },
  ])('$document: $field', ({ document, field }) => {
    expect(historyField(document, 'channels.email.address')).toBe(field);
  });
});
