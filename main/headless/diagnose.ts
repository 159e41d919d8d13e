import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  alertTypes,
  currentProtocol,
  diagnoseAnswerSchema,
  diagnoseOnLine,
  diagnosisLines,
  parseWith,
  profileSchema,
  protocolHeader,
  recipientContext,
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
  type AlertType,
  type Diagnosis,
} from '../../common';
import { OptionsError, parseHeadlessOptions, type HeadlessInput } from './options';

/** Flags of the companion that take a value: what follows them is not the alert type. */
const valueFlags = new Set(['--service-url', '--token', '--data-dir', '--config', '--demo-speed']);

export const diagnoseUsage = `Usage: npm run headless -- diagnose <alert type> [--line <line id>] [--json]
  with the service and token as for the companion (--service-url, --token-stdin or RINGSIDE_TOKEN, --config)
  Prints why alerts of that type would or would not reach you now, as the window's "Why am I not getting …?".
  Alert types: ${alertTypes.join(', ')}`;

interface DiagnoseRequest {
  alertType: AlertType;
  lineId: string | null;
  rest: string[];
}

function splitArguments(argv: readonly string[]): DiagnoseRequest {
  const rest: string[] = [];
  const positionals: string[] = [];
  let lineId: string | null = null;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--line') {
      lineId = argv[index + 1] ?? null;
      if (lineId === null) throw new OptionsError('--line needs a line id');
      index += 1;
    } else if (argument.startsWith('--line=')) {
      lineId = argument.slice('--line='.length);
    } else if (valueFlags.has(argument)) {
      rest.push(argument, argv[index + 1] ?? '');
      index += 1;
    } else if (argument.startsWith('-')) {
      rest.push(argument);
    } else {
      positionals.push(argument);
    }
  }
  const [alertType, ...extra] = positionals;
  if (alertType === undefined) throw new OptionsError('Name the alert type to diagnose');
  if (extra.length > 0) throw new OptionsError(`Unexpected argument: ${extra.join(' ')}`);
  if (!(alertTypes as readonly string[]).includes(alertType)) {
    throw new OptionsError(`Not an alert type: ${alertType}`);
  }
  return { alertType: alertType as AlertType, lineId, rest };
}

/** Why the service could not be asked: unreachable, refused, or an answer that is not valid. */
class ServiceCallError extends Error {}

async function getJson<Schema extends z.ZodType>(
  serviceUrl: string,
  token: string,
  path: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  let response: Response;
  try {
    response = await fetch(`${serviceUrl.replace(/\/+$/, '')}${path}`, {
      headers: { authorization: `Bearer ${token}`, [protocolHeader]: String(currentProtocol) },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ServiceCallError(
      `Cannot reach the service at ${serviceUrl} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = (payload as { reason?: unknown } | null)?.reason;
    throw new ServiceCallError(
      `The service refused ${path.split('?')[0] ?? path} (${response.status}): ${typeof reason === 'string' ? reason : 'no reason given'}`,
    );
  }
  const parsed = parseWith(schema, payload);
  if (!parsed.ok) throw new ServiceCallError(`The service answered an invalid ${path}`);
  return parsed.value;
}

/** What `diagnose` found, and which answer it printed. */
export interface DiagnoseResult {
  source: 'service';
  /** Whether the local policy over the same synced settings gave the same diagnosis. */
  agrees: boolean;
  lineId: string | null;
  diagnosis: Diagnosis;
  local: Diagnosis | null;
}

/**
 * `npm run headless -- diagnose <alert type> [--line <line>] [--json]`: asks the service
 * (`GET /api/diagnose`: it holds the synced settings and presence the alerts are decided with)
 * and runs the same `diagnose` locally over the settings as synced (`/api/me`,
 * `/api/preferences`, `/api/business-defaults`, at the service's `now` and presence), prints the
 * service's answer and says whether the two agree. Returns the exit code: 0, 1 when they
 * disagree, 2 for bad arguments, 4 when the service cannot be asked.
 */
export async function runDiagnose(
  argv: readonly string[],
  environment: Record<string, string | undefined>,
  io: { stdout: (line: string) => void; stderr: (line: string) => void } & HeadlessInput,
): Promise<number> {
  let request: DiagnoseRequest;
  let serviceUrl: string;
  let token: string;
  let json: boolean;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(diagnoseUsage);
      return 0;
    }
    request = splitArguments(argv);
    const options = parseHeadlessOptions(request.rest, environment, io);
    if (options === 'help') {
      io.stdout(diagnoseUsage);
      return 0;
    }
    for (const warning of options.warnings) io.stderr(warning);
    if (options.serviceUrl === null || options.token === null) {
      throw new OptionsError(
        'diagnose asks the service: pass --service-url and pipe the token to --token-stdin (or set RINGSIDE_SERVICE_URL and RINGSIDE_TOKEN, or use --config)',
      );
    }
    serviceUrl = options.serviceUrl;
    token = options.token;
    json = options.json;
  } catch (error) {
    if (error instanceof OptionsError) {
      io.stderr(`${error.message}\n\n${diagnoseUsage}`);
      return 2;
    }
    throw error;
  }

  let result: DiagnoseResult;
  let lineName: string | null = null;
  try {
    const query = new URLSearchParams({ alertType: request.alertType });
    if (request.lineId !== null) query.set('lineId', request.lineId);
    const [answer, profile, preferences, business] = await Promise.all([
      getJson(serviceUrl, token, `/api/diagnose?${query.toString()}`, diagnoseAnswerSchema),
      getJson(serviceUrl, token, '/api/me', profileSchema),
      getJson(serviceUrl, token, '/api/preferences', versionedPreferencesSchema),
      getJson(serviceUrl, token, '/api/business-defaults', versionedBusinessDefaultsSchema),
    ]);
    const context = recipientContext({
      user: profile.user,
      lines: profile.lines,
      ringGroups: profile.ringGroups,
      onCall: answer.onCall,
      preferences: preferences.preferences,
      business: business.defaults,
      now: answer.now,
    });
    const local = diagnoseOnLine(request.alertType, context, request.lineId);
    lineName = profile.lines.find((line) => line.id === request.lineId)?.name ?? null;
    result = {
      source: 'service',
      agrees: local !== null && isDeepStrictEqual(local, answer.diagnosis),
      lineId: answer.lineId,
      diagnosis: answer.diagnosis,
      local,
    };
  } catch (error) {
    if (error instanceof ServiceCallError) {
      io.stderr(error.message);
      return 4;
    }
    throw error;
  }

  if (json) {
    io.stdout(JSON.stringify(result));
  } else {
    for (const line of diagnosisLines(result.diagnosis, lineName)) io.stdout(line);
    io.stdout(
      result.agrees
        ? "From the service's answer (it holds your synced settings and presence); the local policy over the same settings agrees."
        : "From the service's answer (it holds your synced settings and presence); the local policy over the same settings DISAGREES — please report this.",
    );
  }
  return result.agrees ? 0 : 1;
}
