import { binary, expect, findItem, notAvailableReason, test } from './fixtures';

test.skip(!binary.available, notAvailableReason);

test('a line muted from the tray is muted in the core and on the service', async ({
  hooks,
  service,
}) => {
  await expect
    .poll(async () => findItem(await hooks.trayMenu(), ['Mute line'])?.submenu?.length ?? 0)
    .toBeGreaterThan(0);
  const menu = await hooks.trayMenu();
  const line = findItem(menu, ['Mute line'])?.submenu?.[0];
  if (!line) throw new Error('Jordan has no line in the tray');
  const lineId = line.id.replace(/^mute-line:/, '');

  await hooks.clickTray({ kind: 'muteLine', lineId, duration: 'oneHour' });
  await expect
    .poll(async () => findItem(await hooks.trayMenu(), ['Mute line', line.label])?.label ?? '')
    .toContain('(muted until');

  // The mute synced: the service's copy of Jordan's preferences has it.
  await expect
    .poll(async () => {
      const response = await fetch(`${service.url}/api/preferences`, {
        headers: { authorization: `Bearer ${service.tokens['jordan'] ?? ''}` },
      });
      const body = (await response.json()) as {
        preferences?: { mutes?: { lines?: Array<{ lineId: string }> } };
      };
      return body.preferences?.mutes?.lines?.map((mute) => mute.lineId) ?? [];
    })
    .toContain(lineId);
});
