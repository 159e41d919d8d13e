import { setTimeout as delay } from 'node:timers/promises';
import {
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
  type BusinessDefaults,
  type UserPreferences,
} from '../common';

/**
 * A change of settings made the way a person makes it (their preferences from one of their
 * devices, the business defaults by an admin), through the HTTP API with If-Match, so every
 * device hears of it (`preferencesChanged`, `businessDefaultsChanged`) as it would in life.
 */
export type SettingsChange =
  | { of: 'preferences'; change: (current: UserPreferences) => UserPreferences }
  | { of: 'businessDefaults'; change: (current: BusinessDefaults) => BusinessDefaults };

/** One thing that happens in a scenario, `at` milliseconds after it starts (at speed 1). */
export interface ScenarioStep {
  at: number;
  /** A user id, several, or `*` for every user of the business. */
  to: string | readonly string[];
  /** An event body (`kind` plus that kind's fields) to inject. */
  event?: Record<string, unknown> & { kind: string };
  /** An on-call state to set for each `to` user (Fisher Mode, on-another-call suppression). */
  onCall?: boolean;
  /** Settings changed before the event: each `to` user's preferences, or the business's. */
  settings?: SettingsChange;
  /** Words for logs: "Ann Lee calls Jordan's line". */
  label: string;
}

/** A scenario is built at the moment it is played, so its appointments sit ahead of `now`. */
export type Scenario = (now: number) => ScenarioStep[];

/** Where a scenario plays: the in-process service, or a running one over HTTP. */
export interface ScenarioTarget {
  inject(userId: string, eventBody: unknown): unknown;
  setPresence(userId: string, onCall: boolean): unknown;
  /** Needed only by scenarios with `settings` steps (`withSettings` adds it). */
  changeSettings?(userId: string, settings: SettingsChange): Promise<unknown>;
}

export interface PlayOptions {
  /** 2 plays twice as fast; the default is 1 (real time). */
  speed?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Called after each step is played. */
  onStep?: (step: ScenarioStep, index: number) => void;
}

/**
 * Plays a scenario against a target, keeping its timing divided by `speed`. Resolves with the
 * number of steps played; an aborted play rejects with the signal's reason.
 */
export async function playScenario(
  target: ScenarioTarget,
  scenario: Scenario,
  options: PlayOptions = {},
): Promise<number> {
  const now = options.now ?? Date.now;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError('The speed must be a positive number');
  const started = now();
  const steps = [...scenario(started)].sort((first, second) => first.at - second.at);
  let played = 0;
  for (const [index, step] of steps.entries()) {
    options.signal?.throwIfAborted();
    const wait = started + step.at / speed - now();
    if (wait > 0) {
      await delay(wait, undefined, options.signal ? { signal: options.signal } : {});
    }
    const userIds = typeof step.to === 'string' ? [step.to] : step.to;
    for (const userId of userIds) {
      if (step.settings) {
        if (!target.changeSettings) {
          throw new Error(`"${step.label}" changes settings: play it with withSettings(target)`);
        }
        await target.changeSettings(userId, step.settings);
      }
      if (step.onCall !== undefined) await target.setPresence(userId, step.onCall);
      if (step.event) await target.inject(userId, step.event);
    }
    played += 1;
    options.onStep?.(step, index);
  }
  return played;
}

async function send(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const reason =
      typeof answer === 'object' && answer !== null && 'reason' in answer
        ? String(answer.reason)
        : response.statusText;
    throw new Error(`${response.status} from ${url}: ${reason}`);
  }
  return answer;
}

async function versionedRequest(
  url: string,
  token: string,
  method: 'GET' | 'PUT',
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      // Version-2 documents (per-type channels, mandatory channels), as this companion speaks.
      'x-ringside-protocol': '3',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${response.status} from ${method} ${url}`);
  return answer;
}

/**
 * Adds `changeSettings` to a target: over HTTP at `baseUrl`, each user's preferences with that
 * user's token (`userTokens`, by user id), the business defaults with `adminToken`.
 */
export function withSettings(
  target: ScenarioTarget,
  baseUrl: string,
  adminToken: string,
  userTokens: Readonly<Record<string, string>>,
): ScenarioTarget {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    inject: (userId, eventBody) => target.inject(userId, eventBody),
    setPresence: (userId, onCall) => target.setPresence(userId, onCall),
    async changeSettings(userId: string, settings: SettingsChange): Promise<unknown> {
      if (settings.of === 'businessDefaults') {
        const url = `${base}/api/business-defaults`;
        const current = versionedBusinessDefaultsSchema.parse(
          await versionedRequest(url, adminToken, 'GET'),
        );
        return versionedRequest(
          url,
          adminToken,
          'PUT',
          { 'if-match': `"${current.version}"` },
          { defaults: settings.change(current.defaults) },
        );
      }
      const token = userTokens[userId];
      if (token === undefined) throw new Error(`No token to change ${userId}'s preferences`);
      const url = `${base}/api/preferences`;
      const current = versionedPreferencesSchema.parse(await versionedRequest(url, token, 'GET'));
      return versionedRequest(
        url,
        token,
        'PUT',
        { 'if-match': `"${current.version}"` },
        { preferences: settings.change(current.preferences) },
      );
    },
  };
}

/** A target that plays over HTTP against a running service, with an admin's token. */
export function createHttpTarget(baseUrl: string, token: string): ScenarioTarget {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    inject: (userId, event) => send(`${base}/api/events`, token, { userId, event }),
    setPresence: (userId, onCall) => send(`${base}/api/presence`, token, { userId, onCall }),
  };
}
