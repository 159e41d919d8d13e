import { describe, expect, it } from 'vitest';
import { emailBody, emailSubject, isCriticalAlertType, smsBody, smsSize } from './outbound';

describe('email and SMS text', () => {
  it('a subject never carries CR or LF, nor control, bidi or zero-width characters', () => {
    const subject = emailSubject(
      'New text from Ann\r\nBcc: everyone@example.com\u202Egpj.exe\u200B\u0007',
    );
    expect(subject).toBe('New text from Ann Bcc: everyone@example.comgpj.exe');
    expect([...subject].some((character) => '\r\n\u202E\u200B\u0007'.includes(character))).toBe(
      false,
    );
  });

  it('a subject is at most 120 characters, cut with an ellipsis', () => {
    const subject = emailSubject('x'.repeat(500));
    expect([...subject]).toHaveLength(120);
    expect(subject.endsWith('\u2026')).toBe(true);
  });

  it('a body keeps its lines (LF only) and cleans each', () => {
    expect(emailBody('First line\r\nSecond\u2066 line\u2069\n\n  Third   line ')).toBe(
      'First line\nSecond line\n\nThird line',
    );
    expect(
      emailBody(Array.from({ length: 60 }, (_, index) => `line ${index}`).join('\n')).split('\n'),
    ).toHaveLength(40);
  });

  it('counts SMS segments: GSM-7 160 / 153, UCS-2 70 / 67, extension characters twice', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(smsSize('€'.repeat(80))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsSize('é'.repeat(70))).toEqual({ encoding: 'gsm7', units: 70, segments: 1 });
    expect(smsSize('ł'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsSize('ł'.repeat(71))).toEqual({ encoding: 'ucs2', units: 71, segments: 2 });
  });

  it('an SMS body is at most two segments, ending "..." in GSM-7 and "…" in UCS-2', () => {
    const gsm = smsBody(`Ann Lee on Jordan's line: ${'please call me back '.repeat(40)}`);
    expect(smsSize(gsm)).toMatchObject({ encoding: 'gsm7', segments: 2 });
    expect(gsm.endsWith('...')).toBe(true);
    const ucs = smsBody(`Łukasz: ${'zadzwoń proszę '.repeat(30)}`);
    expect(smsSize(ucs)).toMatchObject({ encoding: 'ucs2', segments: 2 });
    expect(ucs.endsWith('\u2026')).toBe(true);
    const short = smsBody('Reminder: Cleaning with Ann Lee at 2:30 PM PST');
    expect(short).toBe('Reminder: Cleaning with Ann Lee at 2:30 PM PST');
  });

  it('an SMS body never splits a character made of several code points', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const body = smsBody(`Hi ${'🙂'.repeat(60)}${family}`);
    expect(smsSize(body).segments).toBeLessThanOrEqual(2);
    expect(body).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('payment failures, usage at 100 % and billing warnings are critical', () => {
    expect(
      ['paymentFailed', 'usage100', 'billingWarning', 'usage90', 'textPersonal'].filter((type) =>
        isCriticalAlertType(type as never),
      ),
    ).toEqual(['paymentFailed', 'usage100', 'billingWarning']);
  });
});
