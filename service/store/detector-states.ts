import type { Prepare } from './statements';

/** One stored detector state: whose, which detector and key, the state and when it wakes. */
export interface StoredDetectorState {
  userId: string;
  detector: string;
  key: string;
  /** The state as JSON, read back through the detector's schema. */
  stateJson: string;
  /** Epoch ms at which the state needs time to pass by itself, or null. */
  wakeAt: number | null;
}

/** The state of the pure detectors (common/detectors), per user, detector and key. */
export interface DetectorStateQueries {
  /** The state's JSON, or null when none is kept. */
  detectorState(userId: string, detector: string, key: string): string | null;
  /** Keeps a state (or forgets it, for null); the caller is in the event's transaction. */
  writeDetectorState(
    userId: string,
    detector: string,
    key: string,
    state: { json: string; wakeAt: number | null; expiresAt: number | null } | null,
  ): void;
  /** Forgets the user's states of one detector that expired before event time `at`. */
  forgetExpiredDetectorStates(userId: string, detector: string, at: number): void;
  /** The earliest wake time of any state, or null when none waits for time. */
  nextDetectorWake(): number | null;
  /** Every state whose wake time is at or before `now`, earliest first. */
  detectorStatesDue(now: number): StoredDetectorState[];
}

interface DetectorStateRow {
  user_id: string;
  detector: string;
  key: string;
  state_json: string;
  wake_at: number | null;
}

/** The detector-state queries over the service's file. */
export function detectorStateQueries(prepare: Prepare): DetectorStateQueries {
  return {
    detectorState(userId, detector, key) {
      const row = prepare<[string, string, string], { state_json: string }>(
        'SELECT state_json FROM detector_state WHERE user_id = ? AND detector = ? AND key = ?',
      ).get(userId, detector, key);
      return row?.state_json ?? null;
    },

    writeDetectorState(userId, detector, key, state) {
      if (state === null) {
        prepare('DELETE FROM detector_state WHERE user_id = ? AND detector = ? AND key = ?').run(
          userId,
          detector,
          key,
        );
        return;
      }
      prepare(
        `INSERT INTO detector_state (user_id, detector, key, state_json, wake_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, detector, key) DO UPDATE SET state_json = excluded.state_json,
             wake_at = excluded.wake_at, expires_at = excluded.expires_at`,
      ).run(userId, detector, key, state.json, state.wakeAt, state.expiresAt);
    },

    forgetExpiredDetectorStates(userId, detector, at) {
      prepare(
        `DELETE FROM detector_state
           WHERE user_id = ? AND detector = ? AND expires_at IS NOT NULL AND expires_at < ?`,
      ).run(userId, detector, at);
    },

    nextDetectorWake() {
      const row = prepare<[], { next: number | null }>(
        'SELECT MIN(wake_at) AS next FROM detector_state WHERE wake_at IS NOT NULL',
      ).get();
      return row?.next ?? null;
    },

    detectorStatesDue(now) {
      return prepare<[number], DetectorStateRow>(
        `SELECT * FROM detector_state WHERE wake_at IS NOT NULL AND wake_at <= ?
           ORDER BY wake_at, user_id, detector, key`,
      )
        .all(now)
        .map((row) => ({
          userId: row.user_id,
          detector: row.detector,
          key: row.key,
          stateJson: row.state_json,
          wakeAt: row.wake_at,
        }));
    },
  };
}
