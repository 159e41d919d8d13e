import { expect, type Locator } from '@playwright/test';

/** The Lines section: choose lines, mute and unmute each. */
export class LinesSection {
  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {}

  choice(lineId: string): Locator {
    return this.root.getByTestId(`line-${lineId}`);
  }

  muteStatus(lineId: string): Locator {
    return this.root.getByTestId(`mute-status-${lineId}`);
  }

  async choose(lineId: string): Promise<void> {
    await this.show();
    await this.choice(lineId).check();
    await expect(this.choice(lineId)).toBeChecked();
  }

  async mute(
    lineName: string,
    duration: 'For 1 hour' | 'Until tomorrow 8:00' | 'Until I unmute',
  ): Promise<void> {
    await this.show();
    await this.root.getByLabel(`Mute ${lineName} for`).selectOption({ label: duration });
    await this.root.getByRole('button', { name: `Mute ${lineName}`, exact: true }).click();
  }

  async unmute(lineName: string): Promise<void> {
    await this.show();
    await this.root.getByRole('button', { name: `Unmute ${lineName}` }).click();
  }
}
