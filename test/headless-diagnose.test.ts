import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseAnswerSchema, versionedPreferencesSchema } from '../common';
import { createSystemClock } from '../main/core/ports';
import { startService } from '../service';
import { cleanupAfterEach } from './support/cleanups';
import { startHarness } from './support/companion-harness';
import { spawnHeadless } from './support/headless-child';
import { callApi } from './support/service-test-client';
import { waitForValue } from './support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-headless-diagnose-');

/** The one JSON line `diagnose --json` prints. */
function parseResult(line: string) {
  return JSON.parse(line) as {
    source: string;
    agrees: boolean;
    lineId: string | null;
    diagnosis: unknown;
  };
}

describe('npm run headless -- diagnose', () => {
  it('prints the same diagnosis as the window and /api/diagnose, in words or JSON', async () => {
    const service = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    defer(() => service.close());
    const token = service.tokens.jordan ?? '';
    // Jordan mutes the Support Line: ring-group calls stop popping up, and the reason says so.
    const { preferences } = versionedPreferencesSchema.parse(
      (await callApi(service.url, token, 'GET', '/api/preferences')).body,
    );
    const muted = await callApi(
      service.url,
      token,
      'PUT',
      '/api/preferences',
      {
        preferences: {
          ...preferences,
          mutes: { ...preferences.mutes, lines: [{ lineId: 'line-support', until: null }] },
        },
      },
      { 'if-match': '"1"' },
    );
    expect(muted.status).toBe(200);

    // The window's diagnosis: the real core's `diagnose` call, after it synced.
    const harness = startHarness({
      dataDir: temporaryFolder(),
      serviceUrl: service.url,
      token,
      clock: createSystemClock(),
      coalesceWindowMilliseconds: 0,
    });
    defer(() => harness.companion.stop());
    await harness.companion.start();
    await waitForValue(
      harness.companion.preferences,
      (snapshot) => snapshot?.preferences.mutes.lines.length === 1,
      'the companion synced the mute',
    );
    const window = await harness.companion.diagnose({ alertType: 'callRingGroup' });

    const environment = { RINGSIDE_SERVICE_URL: service.url, RINGSIDE_TOKEN: token };
    const asJson = spawnHeadless(['diagnose', 'callRingGroup', '--json'], environment);
    expect(await asJson.exited).toBe(0);
    const printed = parseResult(asJson.stdout[0] ?? '');
    expect(printed).toMatchObject({ source: 'service', agrees: true, lineId: null });
    expect(printed.diagnosis).toEqual(window);

    const api = diagnoseAnswerSchema.parse(
      (await callApi(service.url, token, 'GET', '/api/diagnose?alertType=callRingGroup')).body,
    );
    expect(api.diagnosis).toEqual(window);

    const inWords = spawnHeadless(
      ['diagnose', 'callRingGroup', '--line', 'line-support'],
      environment,
    );
    expect(await inWords.exited).toBe(0);
    expect(inWords.stdout).toContain(
      '- Calls on Support Line are muted until you unmute (desktop, SMS)',
    );
    expect(inWords.stdout.at(-1)).toContain('the local policy over the same settings agrees');
  });

  it('refuses an unknown alert type or a missing service with a sentence and exit code 2', async () => {
    const unknown = spawnHeadless(['diagnose', 'callsEverywhere'], {
      RINGSIDE_SERVICE_URL: 'http://127.0.0.1:9',
      RINGSIDE_TOKEN: 'x',
    });
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr[0]).toBe('Not an alert type: callsEverywhere');
    const noService = spawnHeadless(['diagnose', 'mention'], {
      RINGSIDE_SERVICE_URL: '',
      RINGSIDE_TOKEN: '',
    });
    expect(await noService.exited).toBe(2);
    expect(noService.stderr[0]).toContain('diagnose asks the service');
    const unreachable = spawnHeadless(['diagnose', 'mention'], {
      RINGSIDE_SERVICE_URL: 'http://127.0.0.1:9',
      RINGSIDE_TOKEN: 'x',
    });
    expect(await unreachable.exited).toBe(4);
    expect(unreachable.stderr[0]).toContain('Cannot reach the service');
  });
});
