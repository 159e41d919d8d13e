import type { Locator, Page } from '@playwright/test';

/** The admins' Team page (renderer/pages/admin/team-page.tsx) as a person sees it. */
export class TeamPage {
  readonly root: Locator;
  readonly updated: Locator;
  readonly coverage: Locator;
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('section#team');
    this.updated = page.getByTestId('team-updated');
    this.coverage = page.getByTestId('coverage-warnings');
    this.table = page.getByTestId('team-table');
  }

  /** The coverage warning of one line (`line:<id>`) or business alert type (`type:<type>`). */
  warning(key: string): Locator {
    return this.coverage.locator(`[data-coverage="${key}"]`);
  }

  /** One member's cell for an alert type: their channels now, or "No: <why>". */
  cell(userId: string, alertType: string): Locator {
    return this.table.locator(`tr[data-member="${userId}"] td[data-type="${alertType}"]`);
  }

  async showCategory(title: string): Promise<void> {
    await this.root.getByLabel('Alert types').selectOption({ label: title });
  }

  async editMember(name: string): Promise<Locator> {
    await this.root.getByRole('button', { name: `Edit ${name}'s settings` }).click();
    return this.page.getByTestId('member-editor');
  }
}
