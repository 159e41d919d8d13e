import { expect, type Locator, type Page } from '@playwright/test';

/** The status header on every page: connection, sync, do-not-disturb, quiet hours, muted lines. */
export class StatusHeader {
  readonly connection: Locator;
  readonly sync: Locator;
  readonly doNotDisturb: Locator;
  readonly quietHours: Locator;
  readonly mutedLines: Locator;
  readonly doNotDisturbMenu: Locator;
  /** "Catching up: 40,000 of 100,000", only while a catch-up runs. */
  readonly catchUp: Locator;

  constructor(readonly page: Page) {
    const header = page.locator('header.app-header');
    this.connection = header.getByTestId('connection-status');
    this.sync = header.getByTestId('sync-status');
    this.doNotDisturb = header.getByTestId('do-not-disturb-status');
    this.quietHours = header.getByTestId('quiet-hours-status');
    this.mutedLines = header.getByTestId('muted-lines');
    this.doNotDisturbMenu = header.getByTestId('do-not-disturb-menu');
    this.catchUp = header.getByTestId('catch-up-status');
  }

  /** Opens the do-not-disturb menu and picks a duration by its words (the tray's). */
  async setDoNotDisturb(label: string): Promise<void> {
    await this.doNotDisturbMenu.locator('summary').click();
    await this.doNotDisturbMenu.getByRole('button', { name: label, exact: true }).click();
  }

  /** Types a local date and time ("2026-12-04T14:00") into "Until a time I choose" and sets it. */
  async setDoNotDisturbUntil(localValue: string): Promise<void> {
    await this.doNotDisturbMenu.locator('summary').click();
    await this.doNotDisturbMenu.getByLabel('Until a time I choose').fill(localValue);
    await this.doNotDisturbMenu.getByRole('button', { name: 'Set', exact: true }).click();
  }

  async endDoNotDisturb(): Promise<void> {
    await this.page.getByRole('button', { name: 'End do-not-disturb' }).click();
    await expect(this.doNotDisturb).toHaveText('Do not disturb off');
  }

  async unmuteFromHeader(lineName: string): Promise<void> {
    await this.mutedLines.locator('summary').click();
    await this.mutedLines.getByRole('button', { name: `Unmute ${lineName}` }).click();
  }
}
