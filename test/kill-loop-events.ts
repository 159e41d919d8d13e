import type { RunningService } from '../service';

/**
 * The event stream of the kill -9 event loop (test/headless-kill-loop.test.ts and
 * bench/kill-loop-events.ts): texts and voicemails for Jordan, alternating between the personal
 * line and the Support Line, from many numbers so the pop-ups are not all one coalesced group.
 */
export function injectMixedEventFor(service: RunningService): (index: number) => Promise<string> {
  const lines = ['line-jordan', 'line-support'];
  return (index) => {
    const [event] = service.inject('user-jordan', {
      kind: index % 3 === 0 ? 'voicemail' : 'text',
      lineId: lines[Math.abs(index) % 2],
      from: `+1415555${String(1000 + (Math.abs(index) % 9000)).padStart(4, '0')}`,
      contactName: null,
      ...(index % 3 === 0
        ? { durationSeconds: 12, transcript: `Voicemail ${index}` }
        : { body: `Text ${index}` }),
    });
    if (!event) return Promise.reject(new Error('The service stored no event'));
    return Promise.resolve(event.id);
  };
}
