/**
 * Reading rows back: better-sqlite3 returns loosely typed records (numbers, not bigints, as no
 * statement here asks for safe integers); each repository narrows what it reads with these.
 */

export type Row = Record<string, unknown>;

export function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

export function nullableInteger(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function parseJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return JSON.parse(text(value)) as unknown;
}

export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
