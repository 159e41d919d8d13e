import { describe, expect, it } from 'vitest';
import { alertTypes } from '../common/alert-types';
import { pageIds, pageOfSection, parseRoute, routeHash } from '../renderer/routes';
import { clockTime, instantOfLocalInput, localInputValue } from '../renderer/time-format';

describe('hash routes', () => {
  it('reads every page, an item and a "why" type, and writes them back the same', () => {
    for (const page of pageIds) {
      expect(parseRoute(routeHash({ page }))).toEqual({ page, itemId: null, why: null });
    }
    const item = parseRoute('#/notifications/evt%2F42');
    expect(item).toEqual({ page: 'notifications', itemId: 'evt/42', why: null });
    expect(routeHash(item)).toBe('#/notifications/evt%2F42');
    const why = parseRoute('#/activity/why/mention');
    expect(why).toEqual({ page: 'activity', itemId: null, why: 'mention' });
    expect(routeHash(why)).toBe('#/activity/why/mention');
  });

  it('opens the first page for anything it does not know, never throws', () => {
    for (const hash of [
      '',
      '#',
      '#/',
      '#/nowhere',
      '#/activity/why/notAType',
      '#/lines/%E0%A4%A',
    ]) {
      const route = parseRoute(hash);
      expect(pageIds).toContain(route.page);
      expect(route.why === null || alertTypes.includes(route.why)).toBe(true);
    }
    expect(parseRoute('#/nowhere').page).toBe('alerts');
    expect(parseRoute('#/lines/%E0%A4%A').itemId).toBeNull();
  });

  it('puts every section the shell can name on a page', () => {
    expect(pageOfSection('notifications')).toBe('notifications');
    expect(pageOfSection('quietHours')).toBe('schedule');
    expect(pageOfSection('businessDefaults')).toBe('business-defaults');
    expect(pageOfSection('leads')).toBe('alerts');
  });
});

describe('chosen times', () => {
  it("reads a local date and time in the person's zone, across a DST change", () => {
    const instant = instantOfLocalInput('2026-12-04T14:00', 'America/New_York');
    expect(new Date(instant ?? 0).toISOString()).toBe('2026-12-04T19:00:00.000Z');
    expect(localInputValue(instant ?? 0, 'America/New_York')).toBe('2026-12-04T14:00');
    const summer = instantOfLocalInput('2026-07-01T09:30', 'Europe/Berlin');
    expect(new Date(summer ?? 0).toISOString()).toBe('2026-07-01T07:30:00.000Z');
    expect(instantOfLocalInput('tomorrow', 'UTC')).toBeNull();
  });
});

describe('one time format', () => {
  it("shows the clock in the person's zone, with the day when it is not today", () => {
    const now = Date.parse('2026-12-04T18:00:00Z');
    // 19:00 UTC is 14:00 in New York, today there.
    expect(clockTime(Date.parse('2026-12-04T19:00:00Z'), now, 'America/New_York')).toMatch(
      /^(14:00|2:00\s?PM)$/,
    );
    expect(clockTime(Date.parse('2026-12-06T19:00:00Z'), now, 'America/New_York')).toMatch(/Sun/);
  });
});
