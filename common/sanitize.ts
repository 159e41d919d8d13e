/**
 * Text that reaches a person comes from other people (a contact's name, a text message, a line's
 * name in a reason): it must not be able to reorder what is shown ("Invoice from \u202Egpj.exe"
 * reading as "exe.jpg"), hide characters, or flood a notification daemon or a protocol field.
 * One sanitiser for the companion's pop-ups and the service's outcomes (issue 11).
 */

/** Limits of a pop-up body: notification daemons cut or reject longer text, often mid-character. */
export const bodyLimits = { characters: 200, bytes: 256 } as const;
/** Limits of a pop-up title. */
export const titleLimits = { characters: 64, bytes: 128 } as const;

export interface TextLimits {
  /** Most code points, ellipsis included. */
  characters: number;
  /** Most UTF-8 bytes, ellipsis included. */
  bytes: number;
}

const ellipsis = '\u2026';
const ellipsisBytes = 3;

/**
 * Input longer than this is cut before any other work: nothing past it could be shown, and a
 * 1 MB "name" must cost no more than a short one.
 */
const inputCodeUnits = 16_384;

/** Line breaks and tabs read as a space in a one-paragraph pop-up. */
const breaks = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Removed outright: C0/C1 controls and DEL; bidi embeddings, overrides, isolates and marks
 * (U+202A–202E, U+2066–2069, U+200E/F, U+061C); zero-width and invisible format characters
 * (U+200B–200D, U+2060–2064, U+206A–206F, U+180E, U+FEFF); and unpaired surrogates, which are
 * not text at all (UTF-8 cannot encode them).
 */
const removed =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text every step below would leave as it is: words of printable ASCII and Latin-1 to Latin
 * Extended-B (U+00A1–U+02FF: no controls, no no-break space, nothing bidi or zero-width), one
 * space between them, none at either end. Below U+0300 every character is a starter that NFC
 * keeps, and the only white space is the space. Most of what a burst says ("New text on Support
 * line", "Ann Lee · +1 415 555 2671") is this: it skips four passes and `normalize` (half the
 * delivery's time per text, issue 15).
 */
const alreadyClean = /^[\x21-\x7E\u00A1-\u02FF]+(?: [\x21-\x7E\u00A1-\u02FF]+)*$/;

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

function measure(text: string): { characters: number; bytes: number } {
  let characters = 0;
  let bytes = 0;
  for (const character of text) {
    characters++;
    bytes += utf8Length(character.codePointAt(0) ?? 0);
  }
  return { characters, bytes };
}

/**
 * Makes untrusted text safe and readable in a pop-up: control, bidi and zero-width characters
 * removed, line breaks and runs of spaces folded to one space, Unicode NFC, then cut to at most
 * `limits.characters` code points and `limits.bytes` UTF-8 bytes (ellipsis included) on a
 * grapheme boundary (on a code point boundary only when one grapheme alone is over the limit),
 * ending with "…" when cut.
 */
export function sanitizeNotificationText(text: string, limits: TextLimits): string {
  const maxCharacters = Math.max(0, Math.floor(limits.characters));
  const maxBytes = Math.max(0, Math.floor(limits.bytes));
  // One UTF-8 byte per ASCII character, two per character of the rest of `alreadyClean`.
  if (
    text.length <= maxCharacters &&
    (text.length * 2 <= maxBytes || measure(text).bytes <= maxBytes) &&
    alreadyClean.test(text)
  ) {
    return text;
  }
  const truncatedInput = text.length > inputCodeUnits;
  const cleaned = (truncatedInput ? text.slice(0, inputCodeUnits) : text)
    .replace(breaks, ' ')
    .replace(removed, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
  const size = measure(cleaned);
  if (!truncatedInput && size.characters <= maxCharacters && size.bytes <= maxBytes) {
    return cleaned;
  }
  if (maxCharacters < 1 || maxBytes < ellipsisBytes) return '';
  return cut(cleaned, maxCharacters - 1, maxBytes - ellipsisBytes) + ellipsis;
}

/** The longest prefix within the budget, whole graphemes where possible, trailing space dropped. */
function cut(text: string, characterBudget: number, byteBudget: number): string {
  // Every code point is at least one byte and at most two code units: nothing past this can fit.
  const window = text.slice(0, 2 * byteBudget + 2);
  const segments = [...segmenter.segment(window)].map((part) => part.segment);
  // The last segment of a shortened window may be a grapheme cut by the slice: never use it.
  if (window.length < text.length) segments.pop();
  let result = '';
  let characters = 0;
  let bytes = 0;
  for (const segment of segments) {
    const size = measure(segment);
    if (characters + size.characters > characterBudget || bytes + size.bytes > byteBudget) {
      if (result === '') result = cutCodePoints(segment, characterBudget, byteBudget);
      break;
    }
    result += segment;
    characters += size.characters;
    bytes += size.bytes;
  }
  // One grapheme longer than the whole budget (combining marks piled up): cut its code points.
  if (result === '') result = cutCodePoints(window, characterBudget, byteBudget);
  return result.trimEnd();
}

function cutCodePoints(text: string, characterBudget: number, byteBudget: number): string {
  let result = '';
  let characters = 0;
  let bytes = 0;
  for (const character of text) {
    const length = utf8Length(character.codePointAt(0) ?? 0);
    if (characters + 1 > characterBudget || bytes + length > byteBudget) break;
    result += character;
    characters++;
    bytes += length;
  }
  return result;
}

/** UTF-8 size of a string (tests and callers that check a limit). */
export function utf8ByteLength(text: string): number {
  return measure(text).bytes;
}
