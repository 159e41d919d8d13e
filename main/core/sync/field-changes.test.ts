import { describe, expect, it } from 'vitest';
import { applyChanges, diffFields, mergeChanges, sameValue, valueAt } from './field-changes';

describe('field changes', () => {
  const before = {
    fisherMode: false,
    channels: { email: { enabled: true, address: null as string | null } },
    lines: { otherLineIds: ['line-1'] },
  };

  it('diffs leaves by dotted path and treats arrays as whole values', () => {
    const after = {
      ...before,
      channels: { email: { enabled: true, address: 'a@example.com' } },
      lines: { otherLineIds: ['line-1', 'line-2'] },
    };
    expect(diffFields(before, after)).toEqual({
      'channels.email.address': 'a@example.com',
      'lines.otherLineIds': ['line-1', 'line-2'],
    });
    expect(diffFields(before, structuredClone(before))).toEqual({});
  });

  it('applies changes to a copy and round-trips a diff', () => {
    const after = { ...before, fisherMode: true, lines: { otherLineIds: [] } };
    const applied = applyChanges(before, diffFields(before, after));
    expect(applied).toEqual(after);
    expect(before.fisherMode).toBe(false);
    expect(valueAt(applied, 'channels.email.enabled')).toBe(true);
    expect(valueAt(applied, 'channels.missing.x')).toBeUndefined();
  });

  it('refuses prototype paths and keeps later changes last when merging', () => {
    expect(() => applyChanges(before, { '__proto__.polluted': true })).toThrow(
      /Invalid field path/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const merged = mergeChanges({ a: 1, b: 2 }, { a: 3 });
    expect(Object.entries(merged)).toEqual([
      ['b', 2],
      ['a', 3],
    ]);
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});
