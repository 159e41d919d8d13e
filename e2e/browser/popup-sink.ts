import { Listeners, passThroughNotifier } from '../../main/core/notifier-helpers';
import type { NotifierPort, PopupContent, PopupResult } from '../../main/core/ports';
import { RecordingNotifier } from '../../test/support/recording-notifier';
import { createCondition } from '../../test/support/wait-for';

/**
 * The pop-up sink: a recording NotifierPort (a FAKE at the edge that cannot run headless) that
 * keeps every pop-up the core raised. In a desktop session (RINGSIDE_DESKTOP_SESSION=1, see
 * tools/with-desktop.sh) it also forwards each pop-up to the real notifier, so the daemon shows it.
 */
export interface PopupSink extends NotifierPort {
  readonly shown: PopupContent[];
  /** 'recording sink' or 'notification daemon (dunst)': where pop-ups went, for the report. */
  readonly where: string;
  /** What the OS reports when the user clicks the pop-up for `itemId` (as a daemon would). */
  click(itemId: string): void;
  /** Resolves with the first pop-up (past or future) that matches. */
  waitFor(
    predicate: (content: PopupContent) => boolean,
    timeoutMilliseconds?: number,
  ): Promise<PopupContent>;
}

export function createPopupSink(real: NotifierPort | null): PopupSink {
  const shown: PopupContent[] = [];
  const raised = createCondition();
  const clicks = new Listeners<string>();
  // With no desktop session, the recording notifier stands in for the OS.
  const inner: NotifierPort = real ?? new RecordingNotifier();
  inner.onClick((itemId) => clicks.emit(itemId));
  const show = async (content: PopupContent): Promise<PopupResult> => {
    const result = await inner.show(content);
    if (result.shown) {
      shown.push(content);
      raised.signal();
    }
    return result;
  };
  return {
    ...passThroughNotifier(inner, { show }),
    onClick: (listener) => clicks.add(listener),
    shown,
    where: real
      ? 'notification daemon (dunst), also recorded'
      : 'recording sink (no desktop session)',
    click: (itemId) => clicks.emit(itemId),
    async waitFor(predicate, timeoutMilliseconds = 15_000) {
      await raised.until(() => shown.some(predicate), 'such a pop-up', timeoutMilliseconds);
      return shown.find(predicate) as PopupContent;
    },
  };
}
