import { parseArgs } from 'node:util';
import { formatPhoneNumber, type ServiceStartedLine } from '../common';
import { startService, type RunningService } from './index';
import { createHttpTarget, playScenario, withSettings, type Scenario } from './scenario-player';
import { demoScenario } from './scenarios/demo';
import { demoUsers } from './seed';

/**
 * `npm run service`                   start the service (prints the URL and every token)
 * `npm run service -- inject ...`     emit one event into a running service
 * `npm run service -- play demo ...`  play a scenario (against --url, or an in-process service)
 */

const scenarios: Record<string, Scenario> = { demo: demoScenario };

const usage = `Usage:
  npm run service [-- --host 127.0.0.1 --port 4310 --db .data/service.sqlite --seed demo|none --json]
  npm run service -- inject --url <url> --token <admin token> --user <id|*> --kind <kind> --json '{...}'
  npm run service -- play demo [--url <url> --token <admin token>] [--speed N] [--exit]`;

const serveOptions = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '4310' },
  db: { type: 'string', default: '.data/service.sqlite' },
  seed: { type: 'string', default: 'demo' },
  json: { type: 'boolean', default: false },
  log: { type: 'boolean', default: false },
} as const;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

async function serve(args: string[]): Promise<RunningService> {
  const { values } = parseArgs({ args, options: serveOptions, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`Not a port: ${values.port}`);
  if (values.seed !== 'demo' && values.seed !== 'none') fail('--seed is demo or none');
  const service = await startService({
    host: values.host,
    port,
    databasePath: values.db,
    seed: values.seed,
    log: values.log,
  });
  if (values.json) {
    // The one line whoever started this process waits for (`serviceStartedLineSchema`).
    const line: ServiceStartedLine = {
      url: service.url,
      port: service.port,
      databasePath: service.databasePath,
      tokens: service.tokens,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stdout.write(
      `Ringside stand-in service on ${service.url} (database ${service.databasePath})\n`,
    );
    for (const user of service.users) {
      process.stdout.write(`  ${user.name} (${user.role}, ${user.id}): token ${user.token}\n`);
    }
    service.onEmit((event, outbox) => {
      const sent = outbox.map((entry) =>
        entry.channel === 'text'
          ? `text ${formatPhoneNumber(entry.destination)}`
          : `email ${entry.destination}`,
      );
      process.stdout.write(
        `event ${event.userId} #${event.seq} ${event.kind}${sent.length ? ` → ${sent.join(', ')}` : ''}\n`,
      );
    });
    service.onDigest((outbox) => {
      for (const entry of outbox) {
        const to =
          entry.channel === 'text'
            ? `text ${formatPhoneNumber(entry.destination)}`
            : `email ${entry.destination}`;
        process.stdout.write(`digest ${entry.userId} → ${to}\n`);
      }
    });
  }
  const stop = () => {
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return service;
}

async function inject(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      user: { type: 'string' },
      kind: { type: 'string' },
      json: { type: 'string', default: '{}' },
    },
    strict: true,
  });
  if (!values.url || !values.token || !values.user || !values.kind) {
    fail('inject needs --url, --token, --user and --kind');
  }
  let fields: unknown;
  try {
    fields = JSON.parse(values.json);
  } catch (error) {
    fail(`--json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    fail('--json must be an object of the event fields');
  }
  const response = await fetch(`${values.url.replace(/\/+$/, '')}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: values.user, event: { ...fields, kind: values.kind } }),
  });
  const text = await response.text();
  (response.ok ? process.stdout : process.stderr).write(`${response.status} ${text}\n`);
  if (!response.ok) process.exit(1);
}

async function play(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...serveOptions,
      url: { type: 'string' },
      token: { type: 'string', default: 'demo-token-sam' },
      speed: { type: 'string', default: '1' },
      exit: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0] ?? 'demo';
  const scenario = scenarios[name];
  if (!scenario) fail(`No scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  const speed = Number(values.speed);
  if (!(speed > 0)) fail(`--speed must be a positive number, not ${values.speed}`);
  let service: RunningService | null = null;
  if (!values.url) {
    const forward = args.filter((arg) => arg !== name);
    const serveArgs: string[] = [];
    for (const key of ['host', 'port', 'db', 'seed'] as const) {
      const index = forward.indexOf(`--${key}`);
      const value = index >= 0 ? forward[index + 1] : undefined;
      if (value !== undefined) serveArgs.push(`--${key}`, value);
    }
    service = await serve(serveArgs);
  }
  // Settings steps change the demo people's own preferences with their own (seeded) tokens.
  const userTokens = Object.fromEntries(
    Object.values(demoUsers).map((user) => [user.id, user.token]),
  );
  const url = service?.url ?? values.url ?? '';
  const target = withSettings(
    service ?? createHttpTarget(url, values.token),
    url,
    values.token,
    userTokens,
  );
  const played = await playScenario(target, scenario, {
    speed,
    onStep: (step) => process.stdout.write(`▶ ${step.label}\n`),
  });
  process.stdout.write(`Played ${played} steps of "${name}".\n`);
  if (service && values.exit) await service.close();
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'inject':
      return inject(rest);
    case 'play':
      return play(rest);
    case 'help':
    case '--help':
      process.stdout.write(`${usage}\n`);
      return;
    case 'serve':
      await serve(rest);
      return;
    default:
      await serve(process.argv.slice(2));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
