/**
 * Ids of events the companion raises itself (`local:high-sms:…`). They are deterministic, so a
 * replayed backlog or a restart raises the same id and the store's duplicate check drops it, and
 * they always match `idSchema` (letters, digits, `. _ : -`, at most 128 characters).
 */
export function localId(kind: string, ...parts: readonly string[]): string {
  const readable = `local:${kind}:${parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join(':')}`;
  if (readable.length <= 128) return readable;
  return `local:${kind}:${fnv1a(parts.join('\u0000'))}`;
}

/** 64-bit FNV-1a as 16 hex digits: short, stable, and good enough to tell ids apart. */
export function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < text.length; index++) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
