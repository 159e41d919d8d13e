import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileSchema, type Profile } from '../../common';
import { ServiceRefusalError, type ServiceClient } from './connection';
import type { Logger } from './ports';
import { ensurePrivateFolder, writePrivateFile } from './private-files';
import { openStore, StoreDamagedError } from './store';
import type { MetaRepository } from './store/repositories';

/**
 * Who a sign-in is when the service cannot say: the session index (`sessions.json` in the data
 * folder) maps a fingerprint of each token to the user it signed in as, and that user's store
 * keeps the last profile the service gave (`meta` key `profile`). With both, the companion starts
 * offline with the lines, ring groups and preferences it had.
 */

const sessionIndexFile = 'sessions.json';

/** A short fingerprint of the token, so the session index never stores the token itself. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

function readSessionIndex(dataDir: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dataDir, sessionIndexFile), 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(
        Object.entries(parsed).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
    }
  } catch {
    // No index yet, or a damaged one: start without it.
  }
  return {};
}

/**
 * Keeps a profile the service just gave: in the user's store (`meta`), and this token → that
 * user in the session index (owner-only, written to a temporary file and renamed, so a crash
 * leaves the old index or the new one, never half of one).
 */
export function rememberProfile(
  dataDir: string,
  token: string,
  meta: MetaRepository,
  profile: Profile,
): void {
  meta.set('profile', JSON.stringify(profile));
  const index = { ...readSessionIndex(dataDir), [fingerprint(token)]: profile.user.id };
  ensurePrivateFolder(dataDir);
  writePrivateFile(join(dataDir, sessionIndexFile), JSON.stringify(index));
}

/** This device's id, made once per user store and kept in its `meta`. */
export function keptDeviceId(meta: MetaRepository): string {
  const kept = meta.get('deviceId');
  if (kept) return kept;
  const deviceId = `device-${randomUUID()}`;
  meta.set('deviceId', deviceId);
  return deviceId;
}

/** The profile kept for this token, or null (never online here, or unreadable). */
export function cachedProfile(dataDir: string, token: string): Profile | null {
  const userId = readSessionIndex(dataDir)[fingerprint(token)];
  if (!userId) return null;
  let store: ReturnType<typeof openStore>;
  try {
    store = openStore({ dataDir, userId });
  } catch (error) {
    // Damaged: no kept profile to start from. It is moved aside and replaced when the session
    // opens, once the service gives the profile again. (A lock, or a newer database, is thrown.)
    if (error instanceof StoreDamagedError) return null;
    throw error;
  }
  try {
    const cached = store.meta.get('profile');
    const parsed = cached === null ? null : profileSchema.safeParse(JSON.parse(cached));
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  } finally {
    store.close();
  }
}

/** A profile and where it came from (`fresh`: the service, now), a refusal, or nothing. */
export type ResolvedProfile = { profile: Profile; fresh: boolean } | { refused: string } | null;

/**
 * The profile for a session: from the service, else the copy kept for this token. A 401 is
 * `refused` (no offline start for a token the service rejects); null when neither the service
 * nor a kept copy can say.
 */
export async function resolveProfile(
  client: ServiceClient,
  dataDir: string,
  token: string,
  logger: Logger,
): Promise<ResolvedProfile> {
  try {
    return { profile: await client.profile(), fresh: true };
  } catch (error) {
    if (error instanceof ServiceRefusalError && error.status === 401) {
      return { refused: error.message };
    }
    logger.warn('Cannot fetch the profile; trying the saved one', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
  const cached = cachedProfile(dataDir, token);
  return cached ? { profile: cached, fresh: false } : null;
}
