import type { BusinessDefaults, UserPreferences } from '../../common';
import type { Prepare } from './statements';

/** A document and the version it was stored under (the ETag of GET and If-Match of PUT). */
export interface Versioned<Document> {
  version: number;
  document: Document;
}

/** The two versioned documents: each user's preferences and each business's defaults. */
export interface DocumentQueries {
  preferences(userId: string): Versioned<UserPreferences>;
  /** Stores new preferences and returns their version (one more than before). */
  writePreferences(userId: string, preferences: UserPreferences): number;
  businessDefaults(businessId: string): Versioned<BusinessDefaults>;
  /** Stores new business defaults and returns their version (one more than before). */
  writeBusinessDefaults(businessId: string, defaults: BusinessDefaults): number;
}

/**
 * The document queries over the service's file. Parsed documents are kept by id: the service is
 * the only writer of its file, so a cache cleared on every write is never stale, and it spares
 * a JSON parse of both documents per emitted event. A write clears rather than sets its entry,
 * so a rolled-back transaction cannot leave its version behind.
 */
export function documentQueries(prepare: Prepare): DocumentQueries {
  const preferencesCache = new Map<string, Versioned<UserPreferences>>();
  const businessDefaultsCache = new Map<string, Versioned<BusinessDefaults>>();

  function preferences(userId: string): Versioned<UserPreferences> {
    const cached = preferencesCache.get(userId);
    if (cached) return cached;
    const row = prepare<[string], { preferences_json: string; preferences_version: number }>(
      'SELECT preferences_json, preferences_version FROM users WHERE id = ?',
    ).get(userId);
    if (!row) throw new Error(`No user ${userId}`);
    const versioned = {
      version: row.preferences_version,
      // Validated on every write; reading trusts the service's own file.
      document: JSON.parse(row.preferences_json) as UserPreferences,
    };
    preferencesCache.set(userId, versioned);
    return versioned;
  }

  function businessDefaults(businessId: string): Versioned<BusinessDefaults> {
    const cached = businessDefaultsCache.get(businessId);
    if (cached) return cached;
    const row = prepare<[string], { defaults_json: string; defaults_version: number }>(
      'SELECT defaults_json, defaults_version FROM businesses WHERE id = ?',
    ).get(businessId);
    if (!row) throw new Error(`No business ${businessId}`);
    const versioned = {
      version: row.defaults_version,
      document: JSON.parse(row.defaults_json) as BusinessDefaults,
    };
    businessDefaultsCache.set(businessId, versioned);
    return versioned;
  }

  return {
    preferences,

    writePreferences(userId, next) {
      const { version } = preferences(userId);
      prepare('UPDATE users SET preferences_json = ?, preferences_version = ? WHERE id = ?').run(
        JSON.stringify(next),
        version + 1,
        userId,
      );
      preferencesCache.delete(userId);
      return version + 1;
    },

    businessDefaults,

    writeBusinessDefaults(businessId, defaults) {
      const { version } = businessDefaults(businessId);
      prepare('UPDATE businesses SET defaults_json = ?, defaults_version = ? WHERE id = ?').run(
        JSON.stringify(defaults),
        version + 1,
        businessId,
      );
      businessDefaultsCache.delete(businessId);
      return version + 1;
    },
  };
}
