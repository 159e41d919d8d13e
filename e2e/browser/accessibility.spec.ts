import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { DemoUserKey } from '../../service/index';
import { expect, test } from './fixtures';

const seriousOrWorse = new Set(['serious', 'critical']);

for (const [user, colorScheme, prefix] of [
  ['sam', 'light', ''],
  ['sam', 'dark', ''],
  ['jordan', 'light', 'agent-'],
  ['jordan', 'dark', 'agent-'],
] as Array<[DemoUserKey, 'light' | 'dark', string]>) {
  test.describe(`accessibility as ${user} (${colorScheme} mode)`, () => {
    test.use({ user, colorScheme });

    test('every page: a screenshot, and no serious or critical axe violations', async ({
      settings,
    }, testInfo) => {
      // One axe run per page over a 2-core machine takes a while.
      test.setTimeout(240_000);
      const ids = await settings.screenshotPages(testInfo, colorScheme, prefix);
      // Sam, a billing admin without a line, has no Lines page; Jordan no admin pages.
      expect(ids.length).toBe(user === 'sam' ? 8 : 6);
      for (const id of ids) {
        await settings.goto(id);
        // The do-not-disturb menu open too: it lies over every page.
        const results = await new AxeBuilder({ page: settings.page }).analyze();
        const serious = results.violations
          .filter((violation) => seriousOrWorse.has(violation.impact ?? ''))
          .map(
            (violation) =>
              `${id}: ${violation.id} ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
          );
        expect(serious, `page ${id}`).toEqual([]);
      }
      await settings.header.doNotDisturbMenu.locator('summary').click();
      const menu = await new AxeBuilder({ page: settings.page })
        .include('header.app-header')
        .analyze();
      expect(
        menu.violations
          .filter((violation) => seriousOrWorse.has(violation.impact ?? ''))
          .map((violation) => violation.id),
      ).toEqual([]);
    });
  });
}

test.describe('keyboard', () => {
  test.use({ user: 'jordan' });

  test('Tab reaches the skip link first, then the page menu, with a visible focus ring', async ({
    settings,
  }) => {
    const page = settings.page;
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to settings' })).toBeFocused();
    // The header's control comes first (do-not-disturb), then the page menu.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus')).toHaveText('Turn on');
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    await expect(focused).toHaveText('Alerts');
    const outline = await focused.evaluate(
      (element) =>
        (
          globalThis as unknown as { getComputedStyle(node: unknown): { outlineStyle: string } }
        ).getComputedStyle(element).outlineStyle,
    );
    expect(outline).toBe('solid');
    // Keyboard only: open Lines from the menu, mute a line.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(settings.current()).toHaveAttribute('data-page', 'lines');
    await page.getByLabel('Mute Support Line for').focus();
    await page.keyboard.press('Tab');
    await expect(
      page.getByRole('button', { name: 'Mute Support Line', exact: true }),
    ).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(settings.lines.muteStatus('line-support')).toHaveText(/^Muted until/);
  });
});

test.describe('README screenshot', () => {
  test.use({ user: 'jordan', viewport: { width: 1200, height: 860 } });

  test('the settings window as an agent sees it, with a muted line', async ({
    settings,
    service,
  }, testInfo) => {
    await settings.lines.mute('Support Line', 'For 1 hour');
    await settings.channels.setChannel('text', true);
    const [event] = service.inject(service.userIdOf('jordan'), {
      kind: 'text',
      lineId: 'line-support',
      from: '+14155552631',
      contactName: 'Ann Lee',
      body: 'Can I move my cleaning to 3pm?',
    });
    await settings.goto('activity');
    await expect(settings.activity.row(event?.id ?? '')).toBeVisible();
    // The Alerts page: the header says the line is muted, each switch what applies now.
    await settings.goto('alerts');
    await expect(settings.header.mutedLines).toContainText('1 line muted');
    await expect(settings.section('communication').getByTestId('effective-mention')).toBeVisible();
    const path = testInfo.outputPath('settings-window.png');
    await settings.page.screenshot({ path });
    await testInfo.attach('settings-window', { path, contentType: 'image/png' });
    // `UPDATE_DOCS_SCREENSHOT=1 npm run test:browser` refreshes the README's picture.
    if (process.env['UPDATE_DOCS_SCREENSHOT'] === '1') {
      await settings.page.screenshot({
        path: fileURLToPath(new URL('../../docs/settings-window.png', import.meta.url)),
      });
    }
  });
});
