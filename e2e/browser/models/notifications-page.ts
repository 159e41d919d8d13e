import { expect, type Locator } from '@playwright/test';

/** The Notifications page: the in-app list, its unread count, read marks, the type filter. */
export class NotificationsPage {
  readonly unreadCount: Locator;

  constructor(
    readonly root: Locator,
    readonly show: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.unreadCount = root.getByTestId('unread-count');
  }

  rows(): Locator {
    return this.root.getByTestId('notification-row');
  }

  /** The item of one event (the core's event id). */
  row(eventId: string): Locator {
    return this.root.locator(`li[data-event-id="${eventId}"]`);
  }

  async markRead(eventId: string): Promise<void> {
    await this.show();
    const row = this.row(eventId);
    await row.getByRole('button', { name: /^Mark read/ }).click();
    await expect(row.getByText('unread', { exact: true })).toHaveCount(0);
  }

  async markAllRead(): Promise<void> {
    await this.show();
    await this.root.getByRole('button', { name: 'Mark all as read' }).click();
  }

  async filter(label: string): Promise<void> {
    await this.show();
    await this.root.getByLabel('Show').selectOption({ label });
  }
}
