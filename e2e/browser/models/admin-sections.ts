import { expect, type Locator } from '@playwright/test';

/**
 * Business defaults (admins): alert types, allowed and required channels, the business email,
 * phone and country.
 */
export class BusinessDefaultsSection {
  readonly email: Locator;
  readonly phone: Locator;

  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.email = root.getByLabel('Business email for notifications');
    this.phone = root.getByLabel('Business phone for notifications');
  }

  alertType(type: string): Locator {
    return this.root.getByTestId(`business-alert-${type}`);
  }

  allowed(channel: string): Locator {
    return this.root.getByTestId(`allowed-${channel}`);
  }

  /** The "required" box of an alert type on a channel (mandatory for who may receive it). */
  required(type: string, channel: string): Locator {
    return this.root.getByTestId(`required-${type}-${channel}`);
  }

  async setEmail(address: string): Promise<void> {
    await this.show();
    await this.email.fill(address);
    await this.email.press('Tab');
  }

  async setPhone(number: string): Promise<void> {
    await this.show();
    await this.phone.fill(number);
    await this.phone.press('Tab');
  }
}

/**
 * Recipients (admins), the one editor: members added several at once, channels and lead
 * threshold per row, and beside a channel the business does not allow, why.
 */
export class RecipientsSection {
  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {}

  row(userId: string): Locator {
    return this.root.locator(`tr[data-recipient="${userId}"]`);
  }

  /** Adds members at once: ticks each one among the candidates, then one click. */
  async add(...memberNames: string[]): Promise<void> {
    await this.show();
    const candidates = this.root.getByTestId('recipient-candidates');
    for (const name of memberNames) await candidates.getByLabel(name, { exact: true }).check();
    await candidates.getByRole('button', { name: /^Add (member|\d+ members)$/ }).click();
  }

  async setThreshold(userId: string, threshold: number): Promise<void> {
    await this.show();
    const field = this.row(userId).getByRole('spinbutton');
    await field.fill(String(threshold));
    await expect(field).toHaveValue(String(threshold));
  }
}
