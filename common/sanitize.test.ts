import { describe, expect, it } from 'vitest';
import { bodyLimits, sanitizeNotificationText, titleLimits, utf8ByteLength } from './sanitize';

const codePoints = (text: string) => [...text].length;

describe('sanitizeNotificationText', () => {
  it('removes a right-to-left override so a file name cannot be reversed', () => {
    const result = sanitizeNotificationText('Invoice from \u202Egpj.exe', bodyLimits);
    expect(result).toBe('Invoice from gpj.exe');
  });

  it('removes every bidi embedding, isolate and mark', () => {
    const attack = 'a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl';
    expect(sanitizeNotificationText(attack, bodyLimits)).toBe('abcdefghijkl');
  });

  it('removes zero-width characters', () => {
    expect(sanitizeNotificationText('pa\u200Bss\u200Cwo\u200Drd\u2060!\uFEFF', bodyLimits)).toBe(
      'password!',
    );
  });

  it('removes control characters and folds line breaks and spaces into one space', () => {
    expect(sanitizeNotificationText('a\u0000b\u0007c\u001B[31m\u007F\u0085d', bodyLimits)).toBe(
      'abc[31m d',
    );
    expect(sanitizeNotificationText('  line one\r\n\tline   two\u2028three  ', bodyLimits)).toBe(
      'line one line two three',
    );
  });

  it('normalises to NFC', () => {
    expect(sanitizeNotificationText('Cafe\u0301', bodyLimits)).toBe('Caf\u00E9');
  });

  it('drops unpaired surrogates', () => {
    expect(sanitizeNotificationText('a\uD83Db\uDE00c', bodyLimits)).toBe('abc');
  });

  it('keeps short text unchanged', () => {
    expect(sanitizeNotificationText('Ann Lee · +1 415 555 2671', bodyLimits)).toBe(
      'Ann Lee · +1 415 555 2671',
    );
  });

  it('cuts long text to the character limit with an ellipsis', () => {
    const result = sanitizeNotificationText('x'.repeat(500), bodyLimits);
    expect(codePoints(result)).toBe(200);
    expect(result.endsWith('\u2026')).toBe(true);
  });

  it('bounds a 1 MB string cheaply and correctly', () => {
    const huge = 'A'.repeat(1024 * 1024);
    const result = sanitizeNotificationText(huge, bodyLimits);
    expect(codePoints(result)).toBeLessThanOrEqual(200);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(256);
    expect(result.endsWith('\u2026')).toBe(true);
  });

  it('honours the byte limit with multi-byte text', () => {
    // Each CJK character is 3 bytes: 200 of them would be 600 bytes.
    const result = sanitizeNotificationText('漢'.repeat(300), bodyLimits);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(256);
    expect(result).toBe(`${'漢'.repeat(84)}\u2026`);
  });

  it('never splits an emoji at the cut', () => {
    // 4-byte emoji: the cut must fall between two of them, never inside a surrogate pair.
    const text = `${'a'.repeat(60)}${'😀'.repeat(20)}`;
    const result = sanitizeNotificationText(text, titleLimits);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(128);
    expect(result).toBe(`${'a'.repeat(60)}${'😀'.repeat(3)}\u2026`);
    expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps a grapheme whole: a flag or a skin-toned emoji is not split at the cut', () => {
    const flag = '🇫🇷';
    const thumb = '👍🏽';
    for (const emoji of [flag, thumb]) {
      const result = sanitizeNotificationText(`${'b'.repeat(59)}${emoji.repeat(5)}`, titleLimits);
      const kept = result.slice(59, -1);
      expect(kept.length % emoji.length).toBe(0);
      expect(kept).toBe(emoji.repeat(kept.length / emoji.length));
      expect(codePoints(result)).toBeLessThanOrEqual(64);
    }
  });

  it('cuts inside a single grapheme only when it alone is over the limit', () => {
    const zalgo = `Q${'\u0301'.repeat(300)}`;
    const result = sanitizeNotificationText(zalgo, titleLimits);
    expect(codePoints(result)).toBeLessThanOrEqual(64);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(128);
    expect(result.startsWith('Q\u0301')).toBe(true);
  });

  it('returns an empty string for text that is only invisible characters', () => {
    expect(sanitizeNotificationText('\u200B\u202E\u0000 ', bodyLimits)).toBe('');
  });

  it('gives plain text the same answer as every step would (the shortcut for clean text)', () => {
    // What the steps make of text within the limits: breaks and runs of white space to one
    // space, invisible characters out, NFC, trimmed. Strings drawn from characters on both
    // sides of the shortcut's edge: no-break space, NEL, a combining accent, a tab, U+02FF/0300.
    const steps = (text: string) =>
      text
        .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
        // eslint-disable-next-line no-control-regex -- the controls are the point
        .replace(/[\u0000-\u001F\u007F-\u009F\u200B\u202E]/g, '')
        .normalize('NFC')
        .replace(/\s+/g, ' ')
        .trim();
    const alphabet = [' ', ' ', 'a', 'Z', '7', '·', 'é', 'ÿ', '\u00A0', '\u0085', '\u0301', '\t'];
    const more = ['\u02FF', '\u0300', '\u200B', '\u202E', '\u007F', 'ǅ', '~', '!'];
    let seed = 15;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    for (let round = 0; round < 3_000; round += 1) {
      const pool = round % 2 === 0 ? alphabet : [...alphabet, ...more];
      const length = next() % 40;
      let text = '';
      for (let index = 0; index < length; index += 1) text += pool[next() % pool.length] ?? '';
      expect(sanitizeNotificationText(text, bodyLimits)).toBe(steps(text));
    }
    expect(sanitizeNotificationText('Ann Lee · +1 415 555 2671', titleLimits)).toBe(
      'Ann Lee · +1 415 555 2671',
    );
  });

  it('cuts plain text past the byte limit though it is within the character limit', () => {
    const latin = 'é'.repeat(100);
    const result = sanitizeNotificationText(latin, { characters: 100, bytes: 64 });
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(64);
    expect(result.endsWith('\u2026')).toBe(true);
  });
});
