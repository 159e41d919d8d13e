import type { Database, Statement } from 'better-sqlite3';
import type { z } from 'zod';
import {
  businessDefaultsDocumentSchema,
  businessDefaultsSchema,
  userPreferencesDocumentSchema,
  userPreferencesSchema,
  type BusinessDefaults,
  type UserPreferences,
} from '../../../../common';
import { durably } from '../database';
import type { PreferencesRepository, Versioned } from './index';
import { nullableInteger, parseJson, type Row } from './rows';

/** The documents table holds these names. */
type DocumentName =
  'preferences.server' | 'preferences.local' | 'businessDefaults.server' | 'businessDefaults.local';

/**
 * Preferences and business defaults (`documents`): the server copies with their versions (the
 * merge base) and the local copies with pending edits applied. Settings: every write is durable.
 */
export class SqlitePreferences implements PreferencesRepository {
  readonly #db: Database;
  readonly #read: Statement;
  readonly #write: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#read = db.prepare('SELECT version, body FROM documents WHERE name = ?');
    this.#write = db.prepare(
      `INSERT INTO documents (name, version, body) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body`,
    );
  }

  /**
   * Validated on read (Zulip's config schemata): a row this build cannot read counts as absent.
   * Documents of either version are read (`*DocumentSchema`): migration 0004 upgraded every row,
   * and a version-1 one can still only mean what it meant.
   */
  #get<Schema extends z.ZodType>(
    name: DocumentName,
    schema: Schema,
  ): { version: number | null; document: z.infer<Schema> } | null {
    const row = this.#read.get(name) as Row | undefined;
    if (row === undefined) return null;
    const parsed = schema.safeParse(parseJson(row.body));
    if (!parsed.success) return null;
    return { version: nullableInteger(row.version), document: parsed.data };
  }

  #set(name: DocumentName, version: number | null, document: unknown): void {
    durably(this.#db, () => this.#write.run(name, version, JSON.stringify(document)));
  }

  serverPreferences(): Versioned<UserPreferences> | null {
    const value = this.#get('preferences.server', userPreferencesDocumentSchema);
    return value === null ? null : { version: value.version ?? 0, document: value.document };
  }

  setServerPreferences(value: Versioned<UserPreferences>): void {
    this.#set('preferences.server', value.version, userPreferencesSchema.parse(value.document));
  }

  localPreferences(): UserPreferences | null {
    return this.#get('preferences.local', userPreferencesDocumentSchema)?.document ?? null;
  }

  setLocalPreferences(value: UserPreferences): void {
    this.#set('preferences.local', null, userPreferencesSchema.parse(value));
  }

  serverBusinessDefaults(): Versioned<BusinessDefaults> | null {
    const value = this.#get('businessDefaults.server', businessDefaultsDocumentSchema);
    return value === null ? null : { version: value.version ?? 0, document: value.document };
  }

  setServerBusinessDefaults(value: Versioned<BusinessDefaults>): void {
    this.#set(
      'businessDefaults.server',
      value.version,
      businessDefaultsSchema.parse(value.document),
    );
  }

  localBusinessDefaults(): BusinessDefaults | null {
    return this.#get('businessDefaults.local', businessDefaultsDocumentSchema)?.document ?? null;
  }

  setLocalBusinessDefaults(value: BusinessDefaults): void {
    this.#set('businessDefaults.local', null, businessDefaultsSchema.parse(value));
  }
}
