import { readFileSync } from 'node:fs';
import { runDiagnose } from './diagnose';
import { runHeadless } from './run';

/** Standard input to its end (`--token-stdin`); at a terminal, says what it waits for. */
function readStdin(): string {
  if (process.stdin.isTTY) {
    process.stderr.write('Paste your sign-in token, then press Enter and Ctrl-D:\n');
  }
  return readFileSync(0, 'utf8');
}

/**
 * `npm run headless`: the companion in plain Node. Decisions go to stdout (one line each, or one
 * JSON object with --json); status and health lines go to stderr so stdout stays parseable.
 */
async function main(): Promise<void> {
  if (process.argv[2] === 'diagnose') {
    // "Why am I not getting alerts?" without the window: one answer, then exit.
    process.exitCode = await runDiagnose(process.argv.slice(3), process.env, {
      stdout: (line) => process.stdout.write(`${line}\n`),
      stderr: (line) => process.stderr.write(`${line}\n`),
      readStdin,
    });
    return;
  }
  const running = await runHeadless(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readStdin,
  });
  if (!running) return;
  if (running.companion.connection.get().status === 'refused') {
    await running.stop();
    return;
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().then(() => process.exit(process.exitCode ?? 0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Keep running until a signal: the socket and timers are unref'd in places.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
