import { expect, type Locator } from '@playwright/test';
import type { Channel } from '../../../common';

/** The Channels section: switches, the email address, the text custom number, test buttons. */
export class ChannelsSection {
  readonly customNumber: Locator;
  readonly useCustomNumber: Locator;
  readonly textDestination: Locator;

  constructor(readonly root: Locator) {
    this.customNumber = root.getByLabel('Custom number (with country code)');
    this.useCustomNumber = root.getByTestId('use-custom-number');
    this.textDestination = root.getByTestId('text-destination');
  }

  channelSwitch(channel: Channel): Locator {
    return this.root.getByTestId(`channel-${channel}`);
  }

  async setChannel(channel: Channel, on: boolean): Promise<void> {
    await this.channelSwitch(channel).setChecked(on);
    await expect(this.channelSwitch(channel)).toBeChecked({ checked: on });
  }

  /** Types a number and commits it (Tab leaves the field, which saves a valid value). */
  async setCustomNumber(typed: string): Promise<void> {
    await this.customNumber.fill(typed);
    await this.customNumber.press('Tab');
  }

  async clearCustomNumber(): Promise<void> {
    await this.customNumber.fill('');
    await this.customNumber.press('Tab');
  }

  /** Presses "Send a test … notification" and returns what the window says happened. */
  async sendTest(channel: Channel): Promise<string> {
    const result = this.root.getByTestId(`test-result-${channel}`);
    await this.root.getByTestId(`test-${channel}`).click();
    await expect(result).not.toHaveText(/^(|Sending…)$/);
    return (await result.textContent()) ?? '';
  }
}
