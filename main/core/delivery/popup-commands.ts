import type { Logger, NotifierPort } from '../ports';
import type { ProcessedEventRepository } from '../store/repositories';
import { Listeners } from '../notifier-helpers';
import { popupActions } from './popup-content';

/**
 * What a person asked of a pop-up, for the core to carry out: a mute goes through the store and
 * sync exactly as a tray mute does (the companion's `muteLine`), "Call back" opens the softphone
 * with the `tel:` number (the shell's checked external-URL path; headless prints it), and a
 * click or "Open" opens the window on the item.
 */
export type PopupCommand =
  | { kind: 'muteLine'; lineId: string; itemId: string }
  | { kind: 'callBack'; number: string; itemId: string }
  | { kind: 'open'; itemId: string };

/**
 * Turns the notifier's clicks and button presses into `PopupCommand`s. The pop-up names only
 * its item: what the item is (its line, the caller's number) is read from the store, so a
 * pressed button acts on what was recorded, whatever the pop-up said.
 */
export class PopupCommands {
  readonly #listeners = new Listeners<PopupCommand>();
  readonly #events: Pick<ProcessedEventRepository, 'get'>;
  readonly #logger: Logger;
  readonly #unsubscribes: Array<() => void>;

  constructor(options: {
    notifier: NotifierPort;
    events: Pick<ProcessedEventRepository, 'get'>;
    logger: Logger;
  }) {
    this.#events = options.events;
    this.#logger = options.logger;
    this.#unsubscribes = [
      options.notifier.onClick((itemId) => this.#emit({ kind: 'open', itemId })),
      options.notifier.onAction(({ itemId, actionId }) => {
        const command = this.#commandOf(itemId, actionId);
        if (command) this.#emit(command);
        else this.#logger.warn('A pop-up button had nothing to act on', { itemId, actionId });
      }),
    ];
  }

  /** Listens for commands. Returns the function that stops listening. */
  onCommand(listener: (command: PopupCommand) => void): () => void {
    return this.#listeners.add(listener);
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
  }

  #commandOf(itemId: string, actionId: string): PopupCommand | null {
    if (actionId === popupActions.open.id) return { kind: 'open', itemId };
    let event;
    try {
      event = this.#events.get(itemId)?.event;
    } catch (error) {
      this.#logger.error('Reading the item of a pop-up button failed', { error: String(error) });
      return null;
    }
    if (!event) return null;
    if (actionId === popupActions.muteLine.id && 'lineId' in event) {
      return { kind: 'muteLine', lineId: event.lineId, itemId };
    }
    if (
      actionId === popupActions.callBack.id &&
      event.kind === 'call' &&
      event.from !== 'anonymous'
    ) {
      return { kind: 'callBack', number: event.from, itemId };
    }
    return null;
  }

  #emit(command: PopupCommand): void {
    try {
      this.#listeners.emit(command);
    } catch (error) {
      this.#logger.error('A pop-up command listener failed', { error: String(error) });
    }
  }
}
