import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { createCompanion } from '../main/core/companion';
import { createRecordingLogger } from './support/recording-logger';
import { RecordingNotifier } from './support/recording-notifier';
import { waitForValue } from './support/wait-for';
import { createSystemClock } from '../main/core/ports';
import { hasPosixModes } from '../main/core/private-files';
import { loadServiceFile, serviceFileSchema } from '../main/electron/service-configuration';
import { startService } from '../service';
import { resetFakeElectron, safeStorage } from './fakes/electron';

/**
 * Issue 16: the desktop shell keeps the service token sealed with `safeStorage` (the OS
 * keychain). The fake's keychain really encrypts, so these tests read the file's bytes: after
 * the first start a hand-written token is no longer in it. Without a keychain the token stays,
 * the file becomes owner-only, and the shell says so once.
 */

const token = 'secret-token-of-jordan-4f1c';
const serviceUrl = 'https://calls.example.com/';
const cleanups: Array<() => Promise<void> | void> = [];
let folder: string;

beforeEach(() => {
  resetFakeElectron();
  folder = mkdtempSync(path.join(tmpdir(), 'ringside-service-file-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serviceFile(document: unknown, mode = 0o644): string {
  const file = path.join(folder, 'service.json');
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  chmodSync(file, mode);
  return file;
}

function load(file: string, platform: NodeJS.Platform = 'linux') {
  const logger = createRecordingLogger();
  return loadServiceFile({ file, safeStorage, platform, logger }).then((loaded) => ({
    ...loaded,
    logger,
  }));
}

function modeOf(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

function skipWithoutModes(context: TestContext): void {
  if (!hasPosixModes) context.skip('Windows has no POSIX file modes.');
}

describe('service.json and the OS keychain', () => {
  it('seals a hand-written token: the file then holds no plain token, owner-only, and opens again', async (context) => {
    const file = serviceFile({ serviceUrl, token });
    const first = await load(file);
    expect(first.service).toEqual({ serviceUrl, token });
    expect(first.notices).toEqual([]);
    const bytes = readFileSync(file);
    expect(bytes.includes(token)).toBe(false);
    expect(bytes.includes(Buffer.from(token).toString('base64'))).toBe(false);
    const sealed = serviceFileSchema.parse(JSON.parse(bytes.toString('utf8')));
    expect(sealed).toEqual({ serviceUrl, encryptedToken: expect.any(String) as string });
    const second = await load(file);
    expect(second.service).toEqual({ serviceUrl, token });
    expect(readFileSync(file)).toEqual(bytes);
    skipWithoutModes(context);
    expect(modeOf(file)).toBe('600');
  });

  it('without a keychain: keeps the token, makes the file owner-only, and says so once', async (context) => {
    safeStorage.available = false;
    const file = serviceFile({ serviceUrl, token }, 0o644);
    const loaded = await load(file);
    expect(loaded.service).toEqual({ serviceUrl, token });
    expect(loaded.notices).toEqual([
      {
        code: 'tokenStorage',
        message: `Your sign-in token is stored without encryption in ${file} (readable only by you): this system offers no keychain to Ringside.`,
      },
    ]);
    expect(loaded.logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ serviceUrl, token });
    skipWithoutModes(context);
    expect(modeOf(file)).toBe('600');
  });

  it("on Linux, the basic_text backend (Chromium's hard-coded key) counts as no keychain", async () => {
    safeStorage.backend = 'basic_text';
    const file = serviceFile({ serviceUrl, token });
    const loaded = await load(file, 'linux');
    expect(loaded.notices[0]?.message).toMatch(/no secret service \(GNOME Keyring, KWallet\)/);
    expect(readFileSync(file, 'utf8')).toContain(token);
    // Elsewhere the backend question does not exist: the keychain is used.
    const onMac = await load(file, 'darwin');
    expect(onMac.notices).toEqual([]);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
  });

  it('a sealed token another keychain cannot open: no service, a notice, an error logged, the file kept', async () => {
    const file = serviceFile({ serviceUrl, token });
    await load(file);
    const sealed = readFileSync(file, 'utf8');
    safeStorage.replaceKey();
    const loaded = await load(file);
    expect(loaded.service).toBeNull();
    expect(loaded.notices).toEqual([
      { code: 'tokenStorage', message: expect.stringMatching(/cannot be decrypted/) as string },
    ]);
    expect(loaded.logger.lines.map((line) => line.message)).toContain(
      'service.json: the encrypted token cannot be decrypted',
    );
    expect(readFileSync(file, 'utf8')).toBe(sealed);
    // The keychain gone altogether: the same.
    safeStorage.available = false;
    expect((await load(file)).service).toBeNull();
  });

  it('seals again when the keychain says its key was rotated', async () => {
    const file = serviceFile({ serviceUrl, token });
    await load(file);
    const before = readFileSync(file, 'utf8');
    safeStorage.rotated = true;
    const loaded = await load(file);
    expect(loaded.service?.token).toBe(token);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    safeStorage.rotated = false;
    expect((await load(file)).service?.token).toBe(token);
  });

  it('no file, invalid JSON, or an unknown shape: no service (the demo starts), said in the log', async () => {
    expect((await load(path.join(folder, 'missing.json'))).service).toBeNull();
    for (const content of ['{nope', JSON.stringify({ serviceUrl, token, extra: 1 })]) {
      const loaded = await load(serviceFile(content));
      expect(loaded.service).toBeNull();
      expect(loaded.logger.lines.map((line) => line.message)).toContain(
        'service.json is invalid; starting the demo service instead',
      );
    }
  });

  it('the notice is in the companion’s health from the start, and stays beside the session’s own', async () => {
    safeStorage.available = false;
    const running = await startService({ databasePath: path.join(folder, 'service.sqlite') });
    cleanups.push(() => running.close());
    const loaded = await load(serviceFile({ serviceUrl: running.url, token: 'demo-token-jordan' }));
    const companion = createCompanion({
      dataDir: path.join(folder, 'companion'),
      serviceUrl: running.url,
      token: 'demo-token-jordan',
      notifier: new RecordingNotifier(),
      clock: createSystemClock(),
      logger: createRecordingLogger(),
      notices: loaded.notices,
      coalesceWindowMilliseconds: 0,
    });
    cleanups.push(() => companion.stop());
    expect(companion.health.get().map((notice) => notice.code)).toEqual(['tokenStorage']);
    await companion.start();
    await waitForValue(companion.connection, (state) => state.status === 'connected');
    expect(companion.health.get()[0]?.code).toBe('tokenStorage');
    expect((await companion.getSession()).health[0]?.code).toBe('tokenStorage');
  });
});
