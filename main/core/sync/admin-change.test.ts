import { join } from 'node:path';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { currentProtocol, protocolHeader } from '../../../common';
import { startService } from '../../../service';
import { cleanupAfterEach } from '../../../test/support/cleanups';
import { openDevice } from '../../../test/support/sync-device';
import { waitForValue } from '../../../test/support/wait-for';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-admin-change-');

describe('an admin changes a member’s preferences (issue 14)', () => {
  it('the member’s snapshot and history name who changed what, and when', async () => {
    const running = await startService({
      databasePath: join(temporaryFolder(), 'service.sqlite'),
    });
    defer(() => running.close());
    const jordanUser = running.users.find((user) => user.key === 'jordan');
    const samUser = running.users.find((user) => user.key === 'sam');
    if (!jordanUser || !samUser) throw new Error('no demo users');
    const jordan = openDevice({
      baseUrl: running.url,
      token: jordanUser.token,
      user: { id: jordanUser.id, role: jordanUser.role },
      dataDir: temporaryFolder(),
    });
    defer(() => jordan.close());
    await jordan.engine.start();
    const socket = io(running.url, {
      auth: {
        token: jordanUser.token,
        afterSeq: 0,
        deviceId: jordan.deviceId,
        protocol: currentProtocol,
      },
      transports: ['websocket'],
      reconnection: false,
    });
    defer(() => socket.close());
    socket.on('preferencesChanged', (payload: unknown) => {
      jordan.engine.applyServerPush('preferencesChanged', payload);
    });
    await new Promise<void>((resolve) => socket.on('replayDone', () => resolve()));

    const before = jordan.engine.snapshot();
    if (!before) throw new Error('not loaded');
    expect(before.changedBy).toBeUndefined();
    const next = structuredClone(before.preferences);
    next.alertChannels.textPersonal.desktop = false;
    const answer = await fetch(`${running.url}/api/members/${jordanUser.id}/preferences`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${samUser.token}`,
        'content-type': 'application/json',
        'if-match': `"${before.preferencesVersion}"`,
        [protocolHeader]: String(currentProtocol),
      },
      body: JSON.stringify({ preferences: next }),
    });
    expect(answer.status).toBe(200);

    const after = await waitForValue(
      jordan.engine.preferences,
      (snapshot) => snapshot?.changedBy !== undefined,
      'the admin’s change reaches the member',
    );
    expect(after?.preferences.alertChannels.textPersonal.desktop).toBe(false);
    expect(after?.changedBy).toMatchObject({
      userId: samUser.id,
      name: 'Sam Rivera',
      fields: ['alertChannels.textPersonal.desktop'],
    });
    expect(jordan.engine.history(5)).toContainEqual(
      expect.objectContaining({
        field: 'alertChannels.textPersonal.desktop',
        by: samUser.id,
        origin: 'server',
        note: 'Changed by Sam Rivera',
      }),
    );
  });
});
