import BetterSqlite3 from 'better-sqlite3';
import {
  closeSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { openStore, type Store } from '../../main/core/store';

/**
 * Damage done to real store files on disk, each as it happens in the field (issue 16): garbage,
 * a file cut in half, a bad header, zero length, a corrupt page in the middle, a page of one
 * row's overflow destroyed, and a lock another process holds. Each works on a closed store (its
 * WAL checkpointed into the file), so the bytes it changes are the database's own.
 */

/** A text that marks the in-app items' pages, so a test can find a page in the middle. */
export const itemMarker = 'in-app-item-body-';
/** Marks the one settings edit whose row spills onto overflow pages. */
export const bigEditMarker = 'big-edit-value-';

/** Deterministic bytes that are not a database (no randomness in tests). */
export function garbageBytes(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let value = seed;
  for (let index = 0; index < length; index += 1) {
    value = (value * 1_103_515_245 + 12_345) % 2_147_483_648;
    bytes[index] = value >>> 16;
  }
  return bytes;
}

/**
 * A store with enough in it to span many pages: `items` in-app items with long bodies, and
 * `edits` pending settings edits (small; each a field of `preferences`). Returned closed.
 */
export function fillStore(store: Store, options: { items: number; edits: number }): void {
  for (let index = 0; index < options.items; index += 1) {
    store.notifications.add({
      id: `item-${index}`,
      eventId: `event-${index}`,
      title: `Text ${index}`,
      body: `${itemMarker}${index} ${'x'.repeat(400)}`,
      createdAt: 1_000 + index,
      read: false,
      quietReason: null,
    });
  }
  for (let index = 0; index < options.edits; index += 1) {
    store.outbox.enqueue({
      idempotencyKey: `edit-key-${index}`,
      document: 'preferences',
      changes: { [`quietHours.start`]: `0${index}:00` },
      baseVersion: 3,
      createdAt: 2_000 + index,
    });
  }
}

/** Writes a real store at `path` and closes it. */
export function writeRealStore(path: string, options: { items: number; edits: number }): void {
  const store = openStore(path);
  try {
    fillStore(store, options);
  } finally {
    store.close();
  }
}

function pageSize(path: string): number {
  const header = readFileSync(path).subarray(0, 100);
  const raw = header.readUInt16BE(16);
  return raw === 1 ? 65_536 : raw;
}

/** Numbers (0-based) of the pages whose bytes contain `marker` and pass `accept`. */
export function pagesHolding(
  path: string,
  marker: string,
  accept: (page: Buffer) => boolean = () => true,
): number[] {
  const bytes = readFileSync(path);
  const size = pageSize(path);
  const found: number[] = [];
  for (let page = 1; page * size < bytes.length; page += 1) {
    const content = bytes.subarray(page * size, (page + 1) * size);
    if (content.includes(marker) && accept(content)) found.push(page);
  }
  return found;
}

/** Overwrites page `page` (0-based) with garbage. */
export function overwritePage(path: string, page: number): void {
  const size = pageSize(path);
  const descriptor = openSync(path, 'r+');
  try {
    writeSync(descriptor, garbageBytes(size, page + 11), 0, size, page * size);
  } finally {
    closeSync(descriptor);
  }
}

/** The damage kinds a test can do to a closed store file. */
export const damages = {
  /** The whole file replaced by bytes that are not a database. */
  garbage(path: string): void {
    writeFileSync(path, garbageBytes(statSync(path).size));
  },
  /** Cut in half, as a copy or a sync that stopped part way. */
  truncated(path: string): void {
    truncateSync(path, Math.floor(statSync(path).size / 2));
  },
  /** The 16-byte magic overwritten; every page after it intact. */
  badHeader(path: string): void {
    const descriptor = openSync(path, 'r+');
    try {
      writeSync(descriptor, Buffer.from('NOT A DATABASE!!', 'latin1'), 0, 16, 0);
    } finally {
      closeSync(descriptor);
    }
  },
  /** Zero bytes. */
  empty(path: string): void {
    writeFileSync(path, '');
  },
  /**
   * One page in the middle overwritten, among those holding `marker` (in-app items by default):
   * the header is fine, quick_check is not.
   */
  corruptPage(path: string, marker: string = itemMarker): void {
    const pages = pagesHolding(path, marker);
    const middle = pages[Math.floor(pages.length / 2)];
    if (middle === undefined) throw new Error(`No page holding ${marker} to damage`);
    overwritePage(path, middle);
  },
} as const;

export type DamageName = keyof typeof damages;

/**
 * Queues one edit whose value spills onto overflow pages, then destroys those pages (not the
 * outbox's own leaf page): the edit's row is listed but cannot be read back.
 */
export function addUnreadableEdit(path: string): void {
  const store = openStore(path);
  try {
    store.outbox.enqueue({
      idempotencyKey: 'edit-key-big',
      document: 'preferences',
      changes: { timeZone: `${bigEditMarker}${'y'.repeat(9_000)}` },
      baseVersion: 3,
      createdAt: 3_000,
    });
  } finally {
    store.close();
  }
  // A table leaf page starts with 0x0D; an overflow page with the next page's number.
  const overflow = pagesHolding(path, 'yyyyyyyy', (page) => page[0] !== 0x0d);
  if (overflow.length === 0) throw new Error('The big edit did not overflow');
  for (const page of overflow) overwritePage(path, page);
}

/**
 * A second connection that holds the database's write lock (`BEGIN EXCLUSIVE`) until released:
 * another process using the profile.
 */
export function holdExclusiveLock(path: string): { release(): void } {
  const holder = new BetterSqlite3(path);
  holder.exec('BEGIN EXCLUSIVE');
  return {
    release() {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    },
  };
}
