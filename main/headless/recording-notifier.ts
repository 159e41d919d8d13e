import { appendFileSync } from 'node:fs';
import { ShowOnlyNotifier } from '../core/notifier-helpers';
import type { NotifierPort, PopupContent, PopupResult } from '../core/ports';

/**
 * One line of the record: the content handed to the notifier port (what the in-memory
 * `RecordingNotifier` of the tests keeps in `shown`), and when, in epoch milliseconds.
 */
export type RecordedPopup = PopupContent & { at: number };

/**
 * A notifier that appends each pop-up as one JSON line (`RecordedPopup`) to a file
 * (synchronously, so a line written is a pop-up handed off even if the process is killed the
 * next instant). A test hook, selected with RINGSIDE_TEST_HOOKS=1 and
 * RINGSIDE_NOTIFIER_RECORD=<path> (`recordingNotifierFrom` in run.ts): the kill -9 event loop
 * (test/support/event-kill-loop.ts) counts pop-ups per kill with it, where no notification
 * daemon can be read back.
 */
export function createFileRecordingNotifier(path: string): NotifierPort {
  let count = 0;
  return new (class extends ShowOnlyNotifier {
    show(content: PopupContent): Promise<PopupResult> {
      const line: RecordedPopup = { at: Date.now(), ...content };
      appendFileSync(path, `${JSON.stringify(line)}\n`);
      count += 1;
      return Promise.resolve({ shown: true, handle: { id: `recorded:${count}` } });
    }
  })();
}
