import type { Prepare } from './statements';

/** The first successful answer to a request sent with an Idempotency-Key, kept to replay it. */
export interface StoredIdempotentResponse {
  requestHash: string;
  status: number;
  etag: string | null;
  body: string;
}

/** One applied PUT, counted so tests can assert each change was applied once. */
export interface AppliedChange {
  id: number;
  userId: string;
  target: 'preferences' | 'businessDefaults';
  version: number;
  idempotencyKey: string | null;
  appliedAt: string;
  /** Who applied it: the document's owner, or an admin of the business; null before issue 14. */
  actor: { userId: string; name: string } | null;
}

/** Idempotency keys and the applied-changes record of versioned PUTs. */
export interface ChangeQueries {
  idempotentResponse(userId: string, key: string): StoredIdempotentResponse | null;
  recordIdempotentResponse(
    userId: string,
    key: string,
    response: StoredIdempotentResponse,
    at: string,
  ): void;
  recordAppliedChange(
    change: Omit<AppliedChange, 'id'> & {
      /** The device that sent it (`X-Device-Id`, `X-Device-Name`), when it said. */
      device?: { id: string | null; name: string | null };
    },
  ): void;
  /**
   * Who wrote `version` of `userId`'s preferences: the actor and the device (issue 14 §6), or
   * null when no change of that version is recorded.
   */
  preferencesWriter(
    userId: string,
    version: number,
  ): { actorUserId: string | null; deviceId: string | null; deviceName: string | null } | null;
  /** The newest change to `userId`'s preferences applied by someone else, or null. */
  lastPreferencesChangeByOther(userId: string): { userId: string; name: string; at: string } | null;
  /** Applied changes of one business's users, optionally of one user or one key, oldest first. */
  appliedChanges(filter: {
    businessId: string;
    userId?: string;
    idempotencyKey?: string;
  }): AppliedChange[];
}

interface AppliedChangeRow {
  id: number;
  user_id: string;
  target: string;
  version: number;
  idempotency_key: string | null;
  applied_at: string;
  actor_user_id: string | null;
  actor_name: string | null;
}

/** The change queries over the service's file. */
export function changeQueries(prepare: Prepare): ChangeQueries {
  return {
    idempotentResponse(userId, key) {
      const row = prepare<
        [string, string],
        { request_hash: string; status: number; etag: string | null; body: string }
      >(
        'SELECT request_hash, status, etag, body FROM idempotency_keys WHERE user_id = ? AND key = ?',
      ).get(userId, key);
      return row
        ? { requestHash: row.request_hash, status: row.status, etag: row.etag, body: row.body }
        : null;
    },

    recordIdempotentResponse(userId, key, response, at) {
      prepare(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, status, etag, body, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(userId, key, response.requestHash, response.status, response.etag, response.body, at);
    },

    recordAppliedChange(change) {
      prepare(
        `INSERT INTO applied_changes
           (user_id, target, version, idempotency_key, applied_at, actor_user_id, actor_name,
            device_id, device_name)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        change.userId,
        change.target,
        change.version,
        change.idempotencyKey,
        change.appliedAt,
        change.actor?.userId ?? null,
        change.actor?.name ?? null,
        change.device?.id ?? null,
        change.device?.name ?? null,
      );
    },

    preferencesWriter(userId, version) {
      const row = prepare<
        [string, number],
        { actor_user_id: string | null; device_id: string | null; device_name: string | null }
      >(
        `SELECT actor_user_id, device_id, device_name FROM applied_changes
           WHERE user_id = ? AND target = 'preferences' AND version = ?
           ORDER BY id DESC LIMIT 1`,
      ).get(userId, version);
      return row
        ? { actorUserId: row.actor_user_id, deviceId: row.device_id, deviceName: row.device_name }
        : null;
    },

    lastPreferencesChangeByOther(userId) {
      const row = prepare<[string, string], AppliedChangeRow>(
        `SELECT * FROM applied_changes
           WHERE user_id = ? AND target = 'preferences' AND actor_user_id IS NOT NULL
             AND actor_user_id != ? ORDER BY id DESC LIMIT 1`,
      ).get(userId, userId);
      if (!row?.actor_user_id || !row.actor_name) return null;
      return { userId: row.actor_user_id, name: row.actor_name, at: row.applied_at };
    },

    appliedChanges(filter) {
      return prepare<
        [string, string | null, string | null, string | null, string | null],
        AppliedChangeRow
      >(
        `SELECT * FROM applied_changes
           WHERE user_id IN (SELECT id FROM users WHERE business_id = ?)
             AND (? IS NULL OR user_id = ?) AND (? IS NULL OR idempotency_key = ?) ORDER BY id`,
      )
        .all(
          filter.businessId,
          filter.userId ?? null,
          filter.userId ?? null,
          filter.idempotencyKey ?? null,
          filter.idempotencyKey ?? null,
        )
        .map((row) => ({
          id: row.id,
          userId: row.user_id,
          target: row.target === 'businessDefaults' ? 'businessDefaults' : 'preferences',
          version: row.version,
          idempotencyKey: row.idempotency_key,
          appliedAt: row.applied_at,
          actor:
            row.actor_user_id === null || row.actor_name === null
              ? null
              : { userId: row.actor_user_id, name: row.actor_name },
        }));
    },
  };
}
