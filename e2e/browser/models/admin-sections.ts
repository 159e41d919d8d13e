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

/** Recipients (admins): team members who receive lead, usage and billing alerts. */
export class RecipientsSection {
  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {}

  row(userId: string): Locator {
    return this.root.locator(`li[data-recipient="${userId}"]`);
  }

  async add(memberName: string): Promise<void> {
    await this.show();
    await this.root.getByLabel('Team member').selectOption({ label: memberName });
    await this.root.getByRole('button', { name: 'Add recipient' }).click();
  }

  async setThreshold(userId: string, threshold: number): Promise<void> {
    await this.show();
    const slider = this.root.getByTestId(`recipient-threshold-${userId}`);
    await slider.fill(String(threshold));
    await expect(this.root.getByTestId(`recipient-threshold-${userId}-value`)).toHaveText(
      String(threshold),
    );
  }
}
