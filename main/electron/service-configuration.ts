import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HealthNotice } from '../../common';
import type { Logger } from '../core/ports';
import { tightenPrivateFile, writePrivateFile } from '../core/private-files';

/**
 * `<userData>/service.json`: which service the desktop shell signs in to, and with what token.
 * A person or IT writes it with the token in plain text (`{"serviceUrl", "token"}`); at the next
 * start the shell seals the token with Electron's `safeStorage` (the OS keychain: Keychain on
 * macOS, DPAPI on Windows, the secret service on Linux) and rewrites the file as
 * `{"serviceUrl", "encryptedToken"}`, so the disk never holds it readable again. Where the OS
 * offers no keychain — `safeStorage` unavailable, or on Linux the `basic_text` backend, whose key
 * is hard-coded in Chromium and protects nothing — the token stays as written, the file is made
 * owner-only, and the shell says so once (a health notice and a log line).
 *
 * Electron 42 deprecates the synchronous calls (`isEncryptionAvailable`, `encryptString`,
 * `decryptString`; removed in 46), so the asynchronous ones are used; a ciphertext from either
 * decrypts with `decryptStringAsync`.
 */

/** The parts of Electron's `safeStorage` used here (the real module and the fake satisfy it). */
export interface SafeStoragePort {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only (Electron defines it nowhere else). */
  getSelectedStorageBackend(): string;
}

/** A service to sign in to: from the environment, or from service.json. */
export interface ServiceSettings {
  serviceUrl: string;
  token: string;
}

const tokenSchema = z.string().min(1).max(4096);

/** The file as a person writes it, or as the shell seals it. */
export const serviceFileSchema = z.union([
  z.strictObject({ serviceUrl: z.url(), token: tokenSchema }),
  z.strictObject({ serviceUrl: z.url(), encryptedToken: z.base64().min(1).max(16_384) }),
]);

/** How well this system can keep a secret for us. */
export type KeychainState = 'available' | 'unavailable' | 'basicText';

/** Whether `safeStorage` really encrypts here: available, and on Linux not the `basic_text` key. */
export async function keychainState(
  safeStorage: SafeStoragePort,
  platform: NodeJS.Platform,
): Promise<KeychainState> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'unavailable';
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return 'basicText';
  }
  return 'available';
}

const plainTextReasons: Record<Exclude<KeychainState, 'available'>, string> = {
  unavailable: 'this system offers no keychain to Ringside',
  basicText: 'no secret service (GNOME Keyring, KWallet) runs in this desktop session',
};

export interface LoadedService {
  /** null: no (usable) service.json; the embedded demo service starts instead. */
  service: ServiceSettings | null;
  /** To show from the start (the companion's `health`): the token kept without encryption. */
  notices: HealthNotice[];
}

/**
 * Reads service.json, sealing a plain-text token where the keychain can (and re-sealing one
 * the keychain asks to, after a key rotation). Never throws: a missing, invalid or unreadable
 * file means no configured service, said in the log (and, for a token that cannot be decrypted,
 * in a notice).
 */
export async function loadServiceFile(options: {
  file: string;
  safeStorage: SafeStoragePort;
  platform: NodeJS.Platform;
  logger: Logger;
}): Promise<LoadedService> {
  const { file, safeStorage, platform, logger } = options;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.error('service.json cannot be read; starting the demo service instead', {
        file,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return { service: null, notices: [] };
  }
  let parsed;
  try {
    parsed = serviceFileSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    logger.error('service.json is invalid; starting the demo service instead', { file });
    return { service: null, notices: [] };
  }
  const stored = parsed.data;
  const keychain = await keychainState(safeStorage, platform);

  if ('token' in stored) {
    const service = { serviceUrl: stored.serviceUrl, token: stored.token };
    if (keychain !== 'available') {
      tightenPrivateFile(file);
      const message = `Your sign-in token is stored without encryption in ${file} (readable only by you): ${plainTextReasons[keychain]}.`;
      logger.warn('service.json: the token is kept in plain text', { file, keychain });
      return { service, notices: [{ code: 'tokenStorage', message }] };
    }
    await seal(file, service, safeStorage);
    logger.info('service.json: the token is now encrypted with the OS keychain', { file });
    return { service, notices: [] };
  }

  if (keychain === 'unavailable') {
    return cannotDecrypt(file, stored.serviceUrl, 'the keychain is not available', logger);
  }
  let decrypted;
  try {
    decrypted = await safeStorage.decryptStringAsync(Buffer.from(stored.encryptedToken, 'base64'));
  } catch (error) {
    return cannotDecrypt(
      file,
      stored.serviceUrl,
      error instanceof Error ? error.message : String(error),
      logger,
    );
  }
  const service = { serviceUrl: stored.serviceUrl, token: decrypted.result };
  if (decrypted.shouldReEncrypt) {
    await seal(file, service, safeStorage);
    logger.info('service.json: the token was encrypted again with the current key', { file });
  }
  return { service, notices: [] };
}

async function seal(
  file: string,
  service: ServiceSettings,
  safeStorage: SafeStoragePort,
): Promise<void> {
  const encrypted = await safeStorage.encryptStringAsync(service.token);
  const document = { serviceUrl: service.serviceUrl, encryptedToken: encrypted.toString('base64') };
  writePrivateFile(file, `${JSON.stringify(document, null, 2)}\n`);
}

/** A sealed token this keychain cannot open: the file is kept as it is (another login may). */
function cannotDecrypt(
  file: string,
  serviceUrl: string,
  reason: string,
  logger: Logger,
): LoadedService {
  logger.error('service.json: the encrypted token cannot be decrypted', {
    file,
    serviceUrl,
    reason,
  });
  return {
    service: null,
    notices: [
      {
        code: 'tokenStorage',
        message: `The saved sign-in token in ${file} cannot be decrypted with this system's keychain; write the token into it again (as "token") to sign in. Running the demo until then.`,
      },
    ],
  };
}
