import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../common';
import { cachedProfile, keptDeviceId, rememberProfile } from './session-index';
import { openStore } from './store';
import { cleanupAfterEach } from '../../test/support/cleanups';

const { temporaryFolder } = cleanupAfterEach('ringside-session-index-');

const profile: Profile = {
  user: {
    id: 'user-jordan',
    name: 'Jordan Park',
    email: 'jordan@example.com',
    role: 'agent',
    backupPhone: null,
    personalLineId: 'line-jordan',
  },
  business: { id: 'biz-harbor', name: 'Harbor Dental' },
  lines: [
    {
      id: 'line-jordan',
      name: "Jordan's line",
      number: '+14155552611',
      ringGroupId: null,
      ownerUserId: 'user-jordan',
    },
  ],
  ringGroups: [],
  team: [],
};

function remember(dataDir: string, token: string, kept: Profile): void {
  const store = openStore({ dataDir, userId: kept.user.id });
  try {
    rememberProfile(dataDir, token, store.meta, kept);
  } finally {
    store.close();
  }
}

describe('the session index', () => {
  it('finds the profile kept for a token, and nothing for another token', () => {
    const dataDir = temporaryFolder();
    remember(dataDir, 'token-jordan', profile);
    expect(cachedProfile(dataDir, 'token-jordan')).toEqual(profile);
    expect(cachedProfile(dataDir, 'token-someone-else')).toBeNull();
    expect(cachedProfile(temporaryFolder(), 'token-jordan')).toBeNull();
  });

  it('never writes the token itself to the index', () => {
    const dataDir = temporaryFolder();
    remember(dataDir, 'secret-token-value', profile);
    const index = readFileSync(join(dataDir, 'sessions.json'), 'utf8');
    expect(index).not.toContain('secret-token-value');
    expect(index).toContain('user-jordan');
  });

  it('starts without a damaged index or a damaged kept profile rather than failing', () => {
    const dataDir = temporaryFolder();
    remember(dataDir, 'token-jordan', profile);
    const store = openStore({ dataDir, userId: profile.user.id });
    store.meta.set('profile', '{"user":');
    store.close();
    expect(cachedProfile(dataDir, 'token-jordan')).toBeNull();
    writeFileSync(join(dataDir, 'sessions.json'), 'not json');
    expect(cachedProfile(dataDir, 'token-jordan')).toBeNull();
    // Signing in again rewrites the index whole.
    remember(dataDir, 'token-jordan', profile);
    expect(cachedProfile(dataDir, 'token-jordan')).toEqual(profile);
  });

  it('makes a device id once per user store and keeps it', () => {
    const dataDir = temporaryFolder();
    const store = openStore({ dataDir, userId: profile.user.id });
    const first = keptDeviceId(store.meta);
    expect(first).toMatch(/^device-/);
    expect(keptDeviceId(store.meta)).toBe(first);
    store.close();
    const reopened = openStore({ dataDir, userId: profile.user.id });
    expect(keptDeviceId(reopened.meta)).toBe(first);
    reopened.close();
  });
});
