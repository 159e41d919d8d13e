import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds a person's call and message history and the session index: other local
 * users must not read it (issue 16). Every folder the companion makes is owner-only (0700) and
 * every file owner-only (0600), set explicitly rather than through the process umask (a global a
 * library or a parent process can change; `mode` at creation is only ever narrowed by it, and
 * `chmod` ignores it). Windows has no POSIX modes: there `%APPDATA%` is already per-user, and
 * these calls only create.
 */

export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;

/** Whether the file system has POSIX modes to set (not Windows). */
export const hasPosixModes = process.platform !== 'win32';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Sets a mode where there is one; a file gone meanwhile is not an error. */
function setMode(path: string, mode: number): void {
  if (!hasPosixModes) return;
  try {
    chmodSync(path, mode);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/**
 * Creates `folder` (and any parents it has to create) owner-only, and tightens it to 0700 if it
 * already existed.
 */
export function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: privateFolderMode });
  setMode(folder, privateFolderMode);
}

/**
 * Creates an empty owner-only file if none is there (exclusively, so a file made in between is
 * never truncated), or tightens the one that is. For files another library opens by name, like
 * SQLite's: it keeps the mode a file already has, so the file must exist first.
 */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', privateFileMode));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  setMode(file, privateFileMode);
}

/** Tightens a file to 0600 if it exists. */
export function tightenPrivateFile(file: string): void {
  setMode(file, privateFileMode);
}

/**
 * Writes `content` to `file` owner-only and atomically: a fresh temporary file created 0600 (a
 * leftover one is removed first, so its mode is never inherited), then a rename over the old
 * file, so a crash leaves the old content or the new, never half of it.
 */
export function writePrivateFile(file: string, content: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const descriptor = openSync(temporary, 'wx', privateFileMode);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(descriptor, bytes, written, bytes.length - written);
    }
  } finally {
    closeSync(descriptor);
  }
  setMode(temporary, privateFileMode);
  renameSync(temporary, file);
}

/**
 * At start: the data folder 0700 (created if missing), its own files 0600, and everything under
 * `users/` (each user's database and its `-wal`/`-shm`) 0700 for folders and 0600 for files.
 * Other folders in it are left as they are: in the Electron shell they are Chromium's
 * (caches, local storage), and the folder's own 0700 already keeps other users out of them.
 * Symbolic links are never followed or changed.
 */
export function tightenDataFolder(dataDir: string): void {
  ensurePrivateFolder(dataDir);
  if (!hasPosixModes) return;
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    const path = join(dataDir, entry.name);
    if (entry.isFile()) setMode(path, privateFileMode);
    else if (entry.isDirectory() && entry.name === 'users') tightenTree(path);
  }
}

function tightenTree(folder: string): void {
  let stats;
  try {
    stats = lstatSync(folder);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (!stats.isDirectory()) return;
  setMode(folder, privateFolderMode);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) tightenTree(path);
    else if (entry.isFile()) setMode(path, privateFileMode);
  }
}
