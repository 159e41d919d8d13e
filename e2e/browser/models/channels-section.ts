import { expect, type Locator } from '@playwright/test';
import type { Channel, UserAlertType } from '../../../common';

/**
 * The Channels section: the master switches, the email address, the text custom number, test
 * buttons, and the table of channels per alert type.
 */
export class ChannelsSection {
  readonly customNumber: Locator;
  readonly useCustomNumber: Locator;
  readonly textDestination: Locator;
  readonly table: Locator;

  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.customNumber = root.getByLabel('Custom number', { exact: true });
    this.useCustomNumber = root.getByTestId('use-custom-number');
    this.textDestination = root.getByTestId('text-destination');
    this.table = root.getByTestId('channel-table');
  }

  /** One cell of the table: an alert type by a channel. */
  cell(type: UserAlertType, channel: Channel): Locator {
    return this.root.getByTestId(`cell-${type}-${channel}`);
  }

  /** "Send a test … notification" of a channel. */
  testButton(channel: Channel): Locator {
    return this.root.getByTestId(`test-${channel}`);
  }

  /** The notes of an alert type's row: why cells are locked or off. */
  note(type: UserAlertType): Locator {
    return this.root.getByTestId(`channel-note-${type}`);
  }

  async setCell(type: UserAlertType, channel: Channel, on: boolean): Promise<void> {
    await this.show();
    await this.cell(type, channel).setChecked(on);
    await expect(this.cell(type, channel)).toBeChecked({ checked: on });
  }

  channelSwitch(channel: Channel): Locator {
    return this.root.getByTestId(`channel-${channel}`);
  }

  async setChannel(channel: Channel, on: boolean): Promise<void> {
    await this.show();
    await this.channelSwitch(channel).setChecked(on);
    await expect(this.channelSwitch(channel)).toBeChecked({ checked: on });
  }

  /** Types a number and commits it (Tab leaves the field, which saves a valid value). */
  async setCustomNumber(typed: string): Promise<void> {
    await this.show();
    await this.customNumber.fill(typed);
    await this.customNumber.press('Tab');
  }

  async clearCustomNumber(): Promise<void> {
    await this.show();
    await this.customNumber.fill('');
    await this.customNumber.press('Tab');
  }

  /** Presses "Send a test … notification" and returns what the window says happened. */
  async sendTest(channel: Channel): Promise<string> {
    await this.show();
    const result = this.root.getByTestId(`test-result-${channel}`);
    await this.testButton(channel).click();
    await expect(result).not.toHaveText(/^(|Sending…)$/);
    return (await result.textContent()) ?? '';
  }
}
