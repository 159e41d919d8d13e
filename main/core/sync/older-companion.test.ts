import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userPreferencesV1Schema, versionedPreferencesSchema } from '../../../common';
import { startService } from '../../../service';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { callApi } from '../../../test/support/service-test-client';
import { openDevice } from '../../../test/support/sync-device';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-older-companion-');

/** A companion from before issue 13: plain HTTP, no X-Ringside-Protocol, version-1 documents. */
const older = { 'x-ringside-protocol': null };

describe('a companion of today and one from before per-type channels, one user', () => {
  it("an older companion's version-1 write meets this one's pending per-type edit: both survive", async () => {
    const service = await startService({ databasePath: join(temporaryFolder(), 'service.sqlite') });
    defer(() => service.close());
    const jordan = service.users.find((user) => user.key === 'jordan');
    if (!jordan) throw new Error('no Jordan');
    const dataDir = temporaryFolder();
    const open = () => {
      const device = openDevice({
        baseUrl: service.url,
        token: jordan.token,
        user: { id: jordan.id, role: jordan.role },
        dataDir,
      });
      defer(() => device.close());
      return device;
    };
    let current = open();
    await current.engine.start();

    // This companion: email off for mentions, sent and applied.
    const loaded = current.engine.snapshot();
    if (!loaded) throw new Error('not loaded');
    const mentionsQuiet = structuredClone(loaded.preferences);
    mentionsQuiet.alertChannels.mention.email = false;
    current.engine.edit(mentionsQuiet);
    await current.engine.flush();
    // Then offline for a while: an edit waits in its outbox, and the companion is quit.
    await current.engine.stop();
    const waiting = structuredClone(mentionsQuiet);
    waiting.alertChannels.voicemailPersonal.text = false;
    waiting.leadScoreThreshold = 65;
    current.engine.edit(waiting);
    await current.close();

    // Meanwhile the older companion reads version 1 and writes Fisher Mode and email off.
    const seen = await callApi(
      service.url,
      jordan.token,
      'GET',
      '/api/preferences',
      undefined,
      older,
    );
    const { version, preferences } = seen.body as { version: number; preferences: unknown };
    const document = userPreferencesV1Schema.parse(preferences);
    document.fisherMode = true;
    document.channels.email.enabled = false;
    const written = await callApi(
      service.url,
      jordan.token,
      'PUT',
      '/api/preferences',
      { preferences: document },
      { ...older, 'if-match': `"${version}"` },
    );
    expect(written.status).toBe(200);

    // Started again: download, rebase, send. Nothing anyone chose is lost.
    current = open();
    await current.engine.start();
    const status = await current.engine.flush();
    expect(status.status).toBe('synced');
    const onService = versionedPreferencesSchema.parse(
      (await callApi(service.url, jordan.token, 'GET', '/api/preferences')).body,
    ).preferences;
    expect(onService.fisherMode).toBe(true);
    expect(onService.channels.email.enabled).toBe(false);
    expect(onService.alertChannels.mention.email).toBe(false);
    expect(onService.alertChannels.voicemailPersonal.text).toBe(false);
    expect(onService.leadScoreThreshold).toBe(65);
    expect(current.engine.snapshot()?.preferences).toEqual(onService);

    // And the older companion reads all of it that it can show.
    const again = await callApi(
      service.url,
      jordan.token,
      'GET',
      '/api/preferences',
      undefined,
      older,
    );
    const olderView = userPreferencesV1Schema.parse(
      (again.body as { preferences: unknown }).preferences,
    );
    expect(olderView).toMatchObject({ fisherMode: true, leadScoreThreshold: 65 });
  });
});
