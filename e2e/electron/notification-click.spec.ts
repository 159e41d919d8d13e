import { binary, expect, notAvailableReason, test } from './fixtures';

test.skip(!binary.available, notAvailableReason);

test('clicking a pop-up opens the settings window on that notification', async ({
  app,
  hooks,
  service,
}) => {
  await expect.poll(async () => (await hooks.trayMenu())[0]?.label).toBe('Connected');
  const jordan = service.users.find((user) => user.key === 'jordan');
  if (!jordan) throw new Error('no demo user jordan');
  const [event] = service.inject(jordan.id, {
    kind: 'text',
    lineId: 'line-jordan',
    from: '+14155552631',
    contactName: 'Ann Lee',
    body: 'Can we move my cleaning to Friday?',
  });
  if (!event) throw new Error('the service emitted no event');

  // Wait for the pop-up the OS reported shown (named condition, no sleep).
  await expect
    .poll(async () => (await hooks.popups()).length, { timeout: 20_000 })
    .toBeGreaterThan(0);
  const [popup] = await hooks.popups();
  if (!popup) throw new Error('no pop-up');
  expect(popup.body).toContain('Friday');

  const windowOpened = app.waitForEvent('window');
  await hooks.clickPopup(popup.itemId);
  const window = await windowOpened;
  await window.waitForLoadState('domcontentloaded');
  expect(popup.itemId).toBe(event.id);
  // The page received `navigate` after it said ready, and opened that event: its row (the in-app
  // notification, or the Activity row when in-app is off) is highlighted, focused and in view.
  const opened = window.locator(`[data-event-id="${event.id}"]:focus`);
  await expect(opened).toHaveCount(1);
  await expect(opened).toHaveAttribute('aria-current', 'true');
  await expect(opened).toContainText('Friday');
  await expect(opened).toBeInViewport();
});
