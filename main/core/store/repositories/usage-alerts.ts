import type { Database, Statement } from 'better-sqlite3';
import type { UsageAlertRepository } from './index';

/** Usage thresholds already alerted per billing period (`usage_alerts`). */
export class SqliteUsageAlerts implements UsageAlertRepository {
  readonly #fired: Statement;
  readonly #mark: Statement;

  constructor(db: Database) {
    this.#fired = db
      .prepare('SELECT threshold FROM usage_alerts WHERE period_id = ? ORDER BY threshold')
      .pluck();
    this.#mark = db.prepare(
      'INSERT OR IGNORE INTO usage_alerts (period_id, threshold, fired_at) VALUES (?, ?, ?)',
    );
  }

  firedThresholds(periodId: string): number[] {
    return this.#fired.all(periodId).map(Number);
  }

  markFired(periodId: string, threshold: number, firedAt: number): void {
    this.#mark.run(periodId, threshold, firedAt);
  }
}
