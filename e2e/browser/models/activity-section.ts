import type { Locator } from '@playwright/test';

/** The Activity section: recent events with their decisions, and "Why am I not getting …?". */
export class ActivitySection {
  /** `show` opens the page this section is on (a click in the side menu). */
  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** The row of one event (the core's event id). */
  row(eventId: string): Locator {
    return this.root.locator(`li[data-event-id="${eventId}"]`);
  }

  rows(): Locator {
    return this.root.getByTestId('activity-row');
  }

  async diagnose(alertTypeLabel: string): Promise<Locator> {
    await this.show();
    await this.root.getByLabel('Alert type').selectOption({ label: alertTypeLabel });
    await this.root.getByRole('button', { name: 'Explain' }).click();
    return this.root.getByTestId('diagnose-result');
  }
}
