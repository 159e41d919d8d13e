/**
 * Field-level changes between two versions of a settings document: dotted paths to leaf values
 * ("channels.email.address"). Arrays are whole values: two devices adding different lines to
 * `lines.otherLineIds` is a conflict on one field, not a merge of elements.
 */

/** Dotted path → new value, in the order the edits were made. */
export type FieldChanges = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values. */
export function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return (
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => sameValue(item, right[index]))
    );
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const leftKeys = Object.keys(left);
    const rightKeys = Object.keys(right);
    return (
      leftKeys.length === rightKeys.length &&
      leftKeys.every((key) => Object.hasOwn(right, key) && sameValue(left[key], right[key]))
    );
  }
  return false;
}

/** Every leaf that differs between `before` and `after`, as dotted path → value in `after`. */
export function diffFields(before: unknown, after: unknown, prefix = ''): FieldChanges {
  if (isPlainObject(before) && isPlainObject(after)) {
    const changes: FieldChanges = {};
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (!Object.hasOwn(after, key) || !Object.hasOwn(before, key)) {
        if (!sameValue(before[key], after[key])) changes[path] = after[key];
        continue;
      }
      Object.assign(changes, diffFields(before[key], after[key], path));
    }
    return changes;
  }
  if (sameValue(before, after)) return {};
  return { [prefix]: after };
}

const forbiddenSegments = new Set(['__proto__', 'prototype', 'constructor']);

function segmentsOf(path: string): string[] {
  const segments = path.split('.');
  if (segments.some((segment) => segment === '' || forbiddenSegments.has(segment))) {
    throw new Error(`Invalid field path: ${path}`);
  }
  return segments;
}

/** The value at a dotted path, or undefined. */
export function valueAt(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of segmentsOf(path)) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** A copy of `document` with every change applied in order (the input is not modified). */
export function applyChanges<Document>(document: Document, changes: FieldChanges): Document {
  const copy = structuredClone(document) as unknown;
  if (!isPlainObject(copy)) throw new Error('Only objects take field changes');
  for (const [path, value] of Object.entries(changes)) {
    const segments = segmentsOf(path);
    const last = segments.pop() as string;
    let target: Record<string, unknown> = copy;
    for (const segment of segments) {
      const next = target[segment];
      if (isPlainObject(next)) {
        target = next;
      } else {
        const created: Record<string, unknown> = {};
        target[segment] = created;
        target = created;
      }
    }
    target[last] = structuredClone(value);
  }
  return copy as Document;
}

/** Later changes win; a path re-set moves to the end, so applying in order stays correct. */
export function mergeChanges(...all: readonly FieldChanges[]): FieldChanges {
  const merged: FieldChanges = {};
  for (const changes of all) {
    for (const [path, value] of Object.entries(changes)) {
      delete merged[path];
      merged[path] = value;
    }
  }
  return merged;
}
