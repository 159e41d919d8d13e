import { appendFileSync } from 'node:fs';
import type { NotifierPort, PopupContent, PopupResult } from '../core/ports';

/**
 * A notifier that appends each pop-up as one JSON line to a file (synchronously, so a line
 * written is a pop-up handed off even if the process is killed the next instant). A test hook,
 * selected with RINGSIDE_TEST_HOOKS=1 and RINGSIDE_NOTIFIER_RECORD=<path> (`recordingNotifierFrom`
 * in run.ts): the kill -9 loop (test and bench/kill-loop-events.ts) counts pop-ups per kill with
 * it, where no notification daemon can be read back.
 */
export function createFileRecordingNotifier(path: string): NotifierPort {
  return {
    probe: () => Promise.resolve({ available: true }),
    show(content: PopupContent): Promise<PopupResult> {
      appendFileSync(path, `${JSON.stringify({ at: Date.now(), ...content })}\n`);
      return Promise.resolve({ shown: true });
    },
    onClick: () => undefined,
  };
}
