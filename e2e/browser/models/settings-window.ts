import { join } from 'node:path';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { ActivitySection } from './activity-section';
import { BusinessDefaultsSection, RecipientsSection } from './admin-sections';
import { ChannelsSection } from './channels-section';
import { LinesSection } from './lines-section';
import { NotificationsPage } from './notifications-page';
import { StatusHeader } from './status-header';

/** The window's pages, as their routes name them (renderer/routing.ts). */
export type PageId =
  | 'alerts'
  | 'channels'
  | 'lines'
  | 'schedule'
  | 'activity'
  | 'notifications'
  | 'team'
  | 'business-defaults'
  | 'recipients';

/** The page each section is on. */
const pageOfSection: Record<string, PageId> = {
  communication: 'alerts',
  appointments: 'alerts',
  highSms: 'alerts',
  leads: 'alerts',
  usage: 'alerts',
  account: 'alerts',
  channels: 'channels',
  lines: 'lines',
  quietHours: 'schedule',
  activity: 'activity',
  notifications: 'notifications',
  team: 'team',
  businessDefaults: 'business-defaults',
  recipients: 'recipients',
};

/** The settings window as a person sees it (Joplin's integration-tests/models). */
export class SettingsWindow {
  readonly header: StatusHeader;
  readonly syncStatus: Locator;
  readonly connectionStatus: Locator;
  readonly nav: Locator;
  readonly channels: ChannelsSection;
  readonly lines: LinesSection;
  readonly activity: ActivitySection;
  readonly notifications: NotificationsPage;
  readonly businessDefaults: BusinessDefaultsSection;
  readonly recipients: RecipientsSection;

  constructor(readonly page: Page) {
    this.header = new StatusHeader(page);
    this.syncStatus = this.header.sync;
    this.connectionStatus = this.header.connection;
    this.nav = page.getByRole('navigation', { name: 'Pages' });
    const on = (section: string) => () => this.showSection(section);
    this.channels = new ChannelsSection(this.section('channels'), on('channels'));
    this.lines = new LinesSection(this.section('lines'), on('lines'));
    this.activity = new ActivitySection(this.section('activity'), on('activity'));
    this.notifications = new NotificationsPage(this.section('notifications'), on('notifications'));
    this.businessDefaults = new BusinessDefaultsSection(
      this.section('businessDefaults'),
      on('businessDefaults'),
    );
    this.recipients = new RecipientsSection(this.section('recipients'), on('recipients'));
  }

  /** Loads the built window (on `hash`, a route) and waits for the signed-in person's page. */
  async open(hash = ''): Promise<void> {
    // A fresh document each time: a new hash alone would only change the route.
    if (this.page.url() !== 'about:blank') await this.page.goto('about:blank');
    await this.page.goto(`/index.html${hash}`);
    await expect(
      this.page.getByRole('heading', { level: 1, name: 'Notification settings' }),
    ).toBeVisible();
    await expect(this.page.locator('[data-page]')).toBeVisible();
  }

  /** The side menu's link to a page. */
  link(page: PageId): Locator {
    return this.nav.locator(`a[data-page-link="${page}"]`);
  }

  /** The page shown now. */
  current(): Locator {
    return this.page.locator('[data-page]');
  }

  /** Opens a page from the side menu, as a person does (no-op when it is open). */
  async goto(page: PageId): Promise<void> {
    if ((await this.current().getAttribute('data-page')) === page) return;
    await this.link(page).click();
    await expect(this.current()).toHaveAttribute('data-page', page);
  }

  /** Opens the page a section is on. */
  async showSection(id: string): Promise<void> {
    const page = pageOfSection[id];
    if (!page) throw new Error(`No page holds section ${id}`);
    await this.goto(page);
  }

  section(id: string): Locator {
    return this.page.locator(`section#${id}`);
  }

  /** Page ids of the side menu, in order. */
  async pageIds(): Promise<PageId[]> {
    return (await this.nav
      .locator('a[data-page-link]')
      .evaluateAll((links: unknown[]) =>
        links.map((link) =>
          (link as { getAttribute(name: string): string }).getAttribute('data-page-link'),
        ),
      )) as PageId[];
  }

  async expectSynced(): Promise<void> {
    await expect(this.syncStatus).toHaveText(/^Synced/, { timeout: 15_000 });
  }

  /**
   * Opens every page of the side menu and saves a full-page screenshot of each under
   * `test-results/browser/pages/<prefix><page>-<theme>.png`; returns the page ids.
   */
  async screenshotPages(testInfo: TestInfo, theme: string, prefix = ''): Promise<PageId[]> {
    const ids = await this.pageIds();
    for (const id of ids) {
      await this.goto(id);
      // One fixed folder, so the pictures of every run are easy to find and compare.
      const path = join(testInfo.project.outputDir, 'pages', `${prefix}${id}-${theme}.png`);
      await this.page.screenshot({ path, fullPage: true });
      await testInfo.attach(`${prefix}${id}-${theme}`, { path, contentType: 'image/png' });
    }
    return ids;
  }
}
