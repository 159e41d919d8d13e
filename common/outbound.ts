import type { AlertType } from './alert-types';
import { sanitizeNotificationText } from './sanitize';

/**
 * Emails and texts the service sends: how often (no floods) and what their text may hold. The
 * service applies these (`service/outbound.ts`); the settings window names the limits.
 */

/**
 * Alert types that are never held back or merged into a digest: each goes out at once, on its
 * own, whatever the burst window or the hourly cap (it still counts toward the cap).
 */
export const criticalAlertTypes = [
  'paymentFailed',
  'usage100',
  'billingWarning',
] as const satisfies readonly AlertType[];

export function isCriticalAlertType(type: AlertType): boolean {
  return (criticalAlertTypes as readonly AlertType[]).includes(type);
}

/**
 * Per channel: a burst of one alert type on one line becomes the first message at once and one
 * digest per `burstWindowMinutes` after it; at most `perHour` messages reach one destination in
 * an hour (from the first one), the rest go out as one digest when the hour ends.
 */
export const outboundLimits = {
  email: { burstWindowMinutes: 5, perHour: 20 },
  text: { burstWindowMinutes: 5, perHour: 10 },
} as const satisfies Record<'email' | 'text', { burstWindowMinutes: number; perHour: number }>;

/** An email subject: one line (CR and LF never reach a header), at most 120 characters. */
export const emailSubjectLimits = { characters: 120, bytes: 480 } as const;
const emailLineLimits = { characters: 1000, bytes: 4000 } as const;
const emailBodyLines = 40;

/** A subject header value: control, bidi and zero-width characters gone, line breaks folded. */
export function emailSubject(text: string): string {
  return sanitizeNotificationText(text, emailSubjectLimits);
}

/**
 * An email body: each line sanitised as pop-up text is (so no control, bidi or zero-width
 * character, no run of spaces), line breaks kept as LF, at most 40 lines of 1,000 characters.
 */
export function emailBody(text: string): string {
  const lines = text
    .slice(0, emailBodyLines * emailLineLimits.characters * 2)
    .split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)
    .map((line) => sanitizeNotificationText(line, emailLineLimits));
  const kept = lines.slice(0, emailBodyLines);
  if (lines.length > emailBodyLines) kept[kept.length - 1] = '\u2026';
  return kept.join('\n').trim();
}

/**
 * The GSM 03.38 alphabet an SMS can carry in 7 bits a character (the extension table's
 * characters take two), so a text in it fits 160 characters in one segment; anything else makes
 * the whole message UCS-2 (70 UTF-16 units in one segment).
 */
const gsmBasic =
  '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const gsmExtension = '^{}\\[~]|€';
const gsmBasicSet = new Set(gsmBasic);
const gsmExtensionSet = new Set(gsmExtension);

/** Most segments an alert text may take: a longer one is cut with an ellipsis. */
export const smsMaxSegments = 2;

export interface SmsSize {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

function gsmUnits(text: string): number | null {
  let units = 0;
  for (const character of text) {
    if (gsmBasicSet.has(character)) units += 1;
    else if (gsmExtensionSet.has(character)) units += 2;
    else return null;
  }
  return units;
}

/** How a text is encoded and how many segments it takes. */
export function smsSize(text: string): SmsSize {
  const gsm = gsmUnits(text);
  if (gsm !== null) {
    return { encoding: 'gsm7', units: gsm, segments: gsm <= 160 ? 1 : Math.ceil(gsm / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * An SMS body: sanitised as pop-up text is, then cut on a grapheme boundary to at most
 * `smsMaxSegments` segments, ending with an ellipsis when cut: "..." in a GSM-7 text (the
 * one-character ellipsis is not in the GSM alphabet and would make it UCS-2), "…" in UCS-2.
 */
export function smsBody(text: string): string {
  const cleaned = sanitizeNotificationText(text, { characters: 2000, bytes: 8000 });
  const size = smsSize(cleaned);
  if (size.segments <= smsMaxSegments) return cleaned;
  const gsm = size.encoding === 'gsm7';
  const ellipsis = gsm ? '...' : '\u2026';
  const budget = (gsm ? 153 : 67) * smsMaxSegments - (gsm ? 3 : 1);
  let kept = '';
  let used = 0;
  for (const { segment } of segmenter.segment(cleaned)) {
    const cost = gsm ? (gsmUnits(segment) ?? segment.length) : segment.length;
    if (used + cost > budget) break;
    kept += segment;
    used += cost;
  }
  return kept.trimEnd() + ellipsis;
}
