import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultUserPreferences,
  versionedPreferencesSchema,
  type UserPreferences,
} from '../common';
import { createSystemClock } from '../main/core/ports';
import { storePathFor } from '../main/core/store';
import { startService, type RunningService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness, type CompanionHarness } from './support/companion-harness';
import { damages, type DamageName } from './support/damaged-store';
import { callApi } from './support/service-test-client';
import { waitForValue } from './support/wait-for';

const jordan = { id: 'user-jordan', token: 'demo-token-jordan' };
const { defer, temporaryFolder } = cleanupAfterEach('ringside-store-damage-');
/** In every text body: marks the event's pages, so a page in the middle can be damaged. */
const textMarker = 'damage-test-text-';
const textCount = 40;

function harnessOn(dataDir: string, service: RunningService): CompanionHarness {
  const harness = startHarness({
    dataDir,
    serviceUrl: service.url,
    token: jordan.token,
    clock: createSystemClock(),
    backoff: { initialMilliseconds: 100, maximumMilliseconds: 200, jitter: 0 },
    coalesceWindowMilliseconds: 0,
  });
  defer(() => harness.companion.stop());
  return harness;
}

async function servicePreferences(service: RunningService): Promise<UserPreferences> {
  const answer = await callApi(service.url, jordan.token, 'GET', '/api/preferences');
  return versionedPreferencesSchema.parse(answer.body).preferences;
}

async function edit(harness: CompanionHarness, change: Partial<UserPreferences>): Promise<void> {
  const current = harness.companion.preferences.get()?.preferences ?? defaultUserPreferences();
  await harness.companion.updatePreferences({ preferences: { ...current, ...change } });
}

/**
 * A companion that ran: 40 texts shown, one settings edit synced, then the service went away and
 * two more edits were made offline; then it quit. Returns what it had.
 */
async function companionThatRan(folder: string) {
  const databasePath = join(folder, 'service.sqlite');
  let service = await startService({ databasePath });
  const dataDir = join(folder, 'companion');
  const first = harnessOn(dataDir, service);
  await first.companion.start();
  await waitForValue(first.companion.connection, (state) => state.status === 'connected');
  const ids: string[] = [];
  for (let index = 0; index < textCount; index += 1) {
    const stored = service.inject(jordan.id, {
      kind: 'text',
      lineId: 'line-jordan',
      from: '+14155551000',
      contactName: null,
      body: `${textMarker}${index} ${'Running late, see you at the site. '.repeat(8)}`,
    });
    ids.push(...stored.map((event) => event.id));
  }
  await first.changed.until(() => ids.every((id) => first.decisions.has(id)), 'the 40 texts');
  const fisherMode = !defaultUserPreferences().fisherMode;
  await edit(first, { fisherMode });
  await waitForValue(first.companion.sync, (status) => status.status === 'synced');
  const inAppBefore = (await first.companion.listNotifications({ limit: 100 })).length;
  const port = service.port;
  await service.close();
  await waitForValue(first.companion.connection, (state) => state.status !== 'connected');
  await edit(first, { timeZone: 'Europe/Paris' });
  await edit(first, { leadScoreThreshold: 77 });
  const unsynced = first.store().outbox.count();
  expect(unsynced).toBeGreaterThan(0);
  await first.companion.stop();
  service = await startService({ databasePath, port });
  defer(() => service.close());
  return {
    service,
    dataDir,
    ids,
    fisherMode,
    inAppBefore,
    unsynced,
    firstPopups: first.notifier.shown.length,
  };
}

/** What each damage lets the companion read back of the two offline edits. */
const cases: Array<{ damage: DamageName; editsRecovered: boolean; words: RegExp }> = [
  { damage: 'garbage', editsRecovered: false, words: /not a database/ },
  { damage: 'truncated', editsRecovered: false, words: /cut short/ },
  { damage: 'badHeader', editsRecovered: true, words: /not a database/ },
  { damage: 'empty', editsRecovered: false, words: /empty/ },
  { damage: 'corruptPage', editsRecovered: true, words: /corrupt/ },
];

describe('a damaged local database, refilled from a real service on 127.0.0.1', () => {
  for (const { damage, editsRecovered, words } of cases) {
    it(`${damage}: one sentence, the file kept aside, events and preferences back, no pop-up storm`, async () => {
      const folder = temporaryFolder();
      const ran = await companionThatRan(folder);
      const path = storePathFor(ran.dataDir, jordan.id);
      if (damage === 'corruptPage') damages.corruptPage(path, textMarker);
      else damages[damage](path);
      const damagedBytes = readFileSync(path);

      const second = harnessOn(ran.dataDir, ran.service);
      await second.companion.start();
      // Said at once, in one sentence, before anything else happens.
      const notice = second.companion.health.get().find((each) => each.code === 'storeRecovered');
      expect(notice?.message).toMatch(words);
      expect(notice?.message).toMatch(
        editsRecovered
          ? new RegExp(
              `${ran.unsynced} settings changes? made offline (was|were) recovered and will sync\\.$`,
            )
          : /any settings changes made offline could not be recovered\.$/,
      );
      expect(notice?.message.split('. ')).toHaveLength(1);
      expect(second.logged(notice?.message ?? '')).toHaveLength(1);
      // Kept beside the fresh one, byte for byte.
      const folderOfStore = dirname(path);
      const moved = readdirSync(folderOfStore).filter((name) =>
        /^ringside\.damaged-.*\.sqlite$/u.test(name),
      );
      expect(moved).toHaveLength(1);
      expect(notice?.message).toContain(moved[0]);
      expect(readFileSync(join(folderOfStore, moved[0] ?? '')).equals(damagedBytes)).toBe(true);

      // The refill: every event of the epoch again, from the start, each once.
      await waitForValue(second.companion.connection, (state) => state.status === 'connected');
      await second.changed.until(
        () => ran.ids.every((id) => second.decisions.has(id)),
        'the 40 texts again',
      );
      const store = second.store();
      // (The service may have more for Jordan than the 40 texts: its seed.)
      expect(store.events.lastSeq()).toBeGreaterThanOrEqual(textCount);
      expect([...second.decisions.values()].every((count) => count === 1)).toBe(true);
      const activity = await second.companion.listActivity({ limit: 100 });
      const listed = new Set(activity.map((item) => item.eventId));
      expect(ran.ids.filter((id) => !listed.has(id))).toEqual([]);
      expect(await second.companion.listNotifications({ limit: 100 })).toHaveLength(
        ran.inAppBefore,
      );
      // A catch-up, not 40 pop-ups again: at most the one summary of the texts. The service's
      // high-SMS alert about the same burst is another type, never folded into it: at most one
      // more, when its event has arrived by now.
      expect(ran.firstPopups).toBeGreaterThan(1);
      const shown = second.notifier.shown;
      expect(shown.filter((each) => each.category === 'im.received').length).toBeLessThanOrEqual(1);
      const others = shown.filter((each) => each.category !== 'im.received');
      expect(others.every((each) => each.category === 'x-ringside.highSms')).toBe(true);
      expect(others.length).toBeLessThanOrEqual(1);
      // Not a service reset.
      expect(second.noticesSeen).not.toContain('serviceReset');

      // Preferences back from the service, and the offline edits synced where they were read.
      await waitForValue(second.companion.sync, (status) => status.status === 'synced');
      const onService = await servicePreferences(ran.service);
      expect(onService.fisherMode).toBe(ran.fisherMode);
      expect(onService.timeZone === 'Europe/Paris').toBe(editsRecovered);
      expect(onService.leadScoreThreshold === 77).toBe(editsRecovered);
      expect(second.companion.preferences.get()?.preferences).toEqual(onService);
      expect(store.outbox.count()).toBe(0);
      expect(existsSync(path)).toBe(true);
    }, 60_000);
  }
});
