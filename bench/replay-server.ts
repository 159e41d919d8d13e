import { startProtocolServer } from '../test/support/protocol-server';
import { streamEvent, userId } from './full-path';

/**
 * A child process for the catch-up bench: a protocol server holding `count` events (argv[2]),
 * replayed to every client that connects after seq 0. Prints its URL as one JSON line, and exits
 * when its standard input closes. In its own process, so the server's work is not counted in the
 * companion's event loop or memory.
 */
const count = Number(process.argv[2] ?? 0);
const server = await startProtocolServer({ tokens: ['bench-token'], userId });
for (let index = 0; index < count; index += 1) server.publish(streamEvent(index));
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
