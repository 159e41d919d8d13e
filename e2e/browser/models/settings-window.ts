import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { ActivitySection } from './activity-section';
import { BusinessDefaultsSection, RecipientsSection } from './admin-sections';
import { ChannelsSection } from './channels-section';
import { LinesSection } from './lines-section';

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The settings window as a person sees it (Joplin's integration-tests/models). */
export class SettingsWindow {
  readonly syncStatus: Locator;
  readonly connectionStatus: Locator;
  readonly channels: ChannelsSection;
  readonly lines: LinesSection;
  readonly activity: ActivitySection;
  readonly businessDefaults: BusinessDefaultsSection;
  readonly recipients: RecipientsSection;

  constructor(readonly page: Page) {
    this.syncStatus = page.getByTestId('sync-status');
    this.connectionStatus = page.getByTestId('connection-status');
    this.channels = new ChannelsSection(this.section('channels'));
    this.lines = new LinesSection(this.section('lines'));
    this.activity = new ActivitySection(this.section('activity'));
    this.businessDefaults = new BusinessDefaultsSection(this.section('businessDefaults'));
    this.recipients = new RecipientsSection(this.section('recipients'));
  }

  /** Loads the built window and waits until it shows the signed-in person's settings. */
  async open(): Promise<void> {
    await this.page.goto('/index.html');
    await expect(
      this.page.getByRole('heading', { level: 1, name: 'Notification settings' }),
    ).toBeVisible();
    await expect(this.section('communication')).toBeVisible();
  }

  section(id: string): Locator {
    return this.page.locator(`section#${id}`);
  }

  /** Ids of every section the window shows, in order. */
  async sectionIds(): Promise<string[]> {
    return this.page
      .locator('section[data-section]')
      .evaluateAll((sections: unknown[]) =>
        sections.map((section) => (section as { id: string }).id),
      );
  }

  async expectSynced(): Promise<void> {
    await expect(this.syncStatus).toHaveText(/^Synced/, { timeout: 15_000 });
  }

  /** Saves a screenshot of every section under the test's output folder (test-results/). */
  async screenshotSections(testInfo: TestInfo, prefix: string): Promise<string[]> {
    const ids = await this.sectionIds();
    for (const id of ids) {
      const path = testInfo.outputPath(`${prefix}-${id}.png`);
      // A clip of a full-page shot: an element shot would scroll and put the sticky header on top.
      const clip = await this.section(id).evaluate((element: unknown) => {
        const box = (element as { getBoundingClientRect(): Box }).getBoundingClientRect();
        const scroll = globalThis as unknown as { scrollX: number; scrollY: number };
        return {
          x: box.left + scroll.scrollX,
          y: box.top + scroll.scrollY,
          width: box.width,
          height: box.height,
        };
      });
      await this.page.screenshot({ path, fullPage: true, clip });
      await testInfo.attach(`${prefix}-${id}`, { path, contentType: 'image/png' });
    }
    return ids;
  }
}
