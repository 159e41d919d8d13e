import type { z } from 'zod';
import {
  businessDefaultsSchema,
  normalizeUserPreferences,
  userPreferencesSchema,
  type BusinessDefaults,
  type UserPreferences,
} from '../../../common';
import type { OutboxEntry, Store } from '../store/repositories';
import { applyChanges, type FieldChanges } from './field-changes';
import type { DocumentName } from './rebase-rules';
import type { ServerDocument, SyncTransport, TransportResponse } from './transport';

/** How one synced document is checked, read and written locally, fetched and sent. */
export interface DocumentSpec<Document> {
  name: DocumentName;
  schema: z.ZodType<Document>;
  normalize(document: Document): Document;
  /** The cached server copy: the merge base of the document's outbox entries. */
  server(): ServerDocument<Document> | null;
  setServer(value: ServerDocument<Document>): void;
  /** What the user sees: the server copy with the pending entries applied. */
  local(): Document | null;
  setLocal(document: Document): void;
  fetch(): Promise<TransportResponse<Document>>;
  put(document: Document, version: number, key: string): Promise<TransportResponse<Document>>;
}

/** One spec per document, keyed by its name. */
export interface DocumentSpecs {
  preferences: DocumentSpec<UserPreferences>;
  businessDefaults: DocumentSpec<BusinessDefaults>;
}

/** The two synced documents over a store and a transport. */
export function createDocumentSpecs(store: Store, transport: SyncTransport): DocumentSpecs {
  return {
    preferences: {
      name: 'preferences',
      schema: userPreferencesSchema,
      normalize: normalizeUserPreferences,
      server: () => store.preferences.serverPreferences(),
      setServer: (value) => store.preferences.setServerPreferences(value),
      local: () => store.preferences.localPreferences(),
      setLocal: (document) => store.preferences.setLocalPreferences(document),
      fetch: () => transport.getPreferences(),
      put: (document, version, key) => transport.putPreferences(document, version, key),
    },
    businessDefaults: {
      name: 'businessDefaults',
      schema: businessDefaultsSchema,
      normalize: (document) => document,
      server: () => store.preferences.serverBusinessDefaults(),
      setServer: (value) => store.preferences.setServerBusinessDefaults(value),
      local: () => store.preferences.localBusinessDefaults(),
      setLocal: (document) => store.preferences.setLocalBusinessDefaults(document),
      fetch: () => transport.getBusinessDefaults(),
      put: (document, version, key) => transport.putBusinessDefaults(document, version, key),
    },
  };
}

/** What composing a document needs of its spec. */
export type DocumentShape<Document> = Pick<DocumentSpec<Document>, 'name' | 'schema' | 'normalize'>;

/** `base` with `changes` applied, normalized and valid; null when the result is invalid. */
export function compose<Document>(
  spec: DocumentShape<Document>,
  base: Document,
  changes: FieldChanges,
): Document | null {
  try {
    const parsed = spec.schema.safeParse(applyChanges(base, changes));
    return parsed.success ? spec.normalize(parsed.data) : null;
  } catch {
    return null;
  }
}

/**
 * The local copy: `server` with the changes of each of the document's pending entries applied in
 * order. An entry that no longer applies cleanly is skipped (sending it drops it with a reason).
 */
export function localCopy<Document>(
  spec: DocumentShape<Document>,
  server: Document,
  pending: readonly OutboxEntry[],
): Document {
  let local = server;
  for (const entry of pending) {
    if (entry.document === spec.name) local = compose(spec, local, entry.changes) ?? local;
  }
  return local;
}
