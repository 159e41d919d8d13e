import { z } from 'zod';
import type { ActivityItem } from '../../common';
import type { SignedInPerson } from './person';

/** What the demo did for one person, from the printed decisions and the service's outbox. */
export interface PersonSummary {
  person: string;
  /** Decisions about alerts (not "call ended", usage figures and other non-alerts). */
  alerts: number;
  /** Alerts whose pop-up was shown. */
  poppedUp: number;
  /** Alerts that did not pop up, by the desktop channel's reason code, with one explanation. */
  heldBack: Array<{ code: string; count: number; example: string }>;
  /** Emails and texts in the service's outbox for this person (digests included). */
  emails: number;
  texts: number;
  /** Emails and texts the service holds for a digest (its outcomes, as printed). */
  heldForDigest: number;
  /** Events the service has for this person whose decision was not printed yet. */
  notYetPrinted: number;
}

/** The one command that says, channel by channel, why each alert went where it did. */
export const explainCommand = 'npm start -- --explain';

const outboxPageSchema = z.object({
  entries: z.array(z.object({ id: z.number(), channel: z.string() })),
});
const eventPageSchema = z.object({ events: z.array(z.object({ id: z.string() })) });
const meSchema = z.object({ user: z.object({ id: z.string() }) });

async function getJson(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${response.status} from ${url}`);
  return response.json();
}

/**
 * Waits until every event the service holds for the person has its decision printed, or
 * `timeoutMilliseconds` passes (the summary then says how many were not printed yet).
 */
async function caughtUp(
  person: SignedInPerson,
  serviceUrl: string,
  token: string,
  timeoutMilliseconds: number,
): Promise<number> {
  const page = eventPageSchema.parse(await getJson(`${serviceUrl}/api/events?limit=1000`, token));
  const waiting = new Set(page.events.map((event) => event.id));
  for (const eventId of person.printed.keys()) waiting.delete(eventId);
  if (waiting.size === 0) return 0;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(waiting.size);
    }, timeoutMilliseconds);
    const stop = person.onPrinted((eventId) => {
      waiting.delete(eventId);
      if (waiting.size > 0) return;
      clearTimeout(timer);
      stop();
      resolve(0);
    });
  });
}

function isAlert(item: ActivityItem): boolean {
  return !item.decision.suppressed.some((entry) => entry.code === 'notAnAlert');
}

/** Counts one person's printed decisions and reads their outbox from the service. */
export async function summarize(
  person: SignedInPerson,
  who: string,
  serviceUrl: string,
  token: string,
  timeoutMilliseconds = 15_000,
): Promise<PersonSummary> {
  const notYetPrinted = await caughtUp(person, serviceUrl, token, timeoutMilliseconds);
  const alerts = [...person.printed.values()].filter(isAlert);
  const held = new Map<string, { count: number; example: string }>();
  let poppedUp = 0;
  let heldForDigest = 0;
  for (const item of alerts) {
    for (const report of item.channels) {
      if ((report.channel === 'email' || report.channel === 'text') && report.status === 'held') {
        heldForDigest += 1;
      }
    }
    const desktop = item.channels.find((report) => report.channel === 'desktop');
    if (desktop?.status === 'shown') {
      poppedUp += 1;
      continue;
    }
    const code = desktop && 'code' in desktop ? desktop.code : 'noDesktop';
    const example = desktop && 'explanation' in desktop ? desktop.explanation : '';
    const entry = held.get(code) ?? { count: 0, example };
    entry.count += 1;
    held.set(code, entry);
  }
  // An admin's outbox query reads the whole business unless it names a user: name this one.
  const me = meSchema.parse(await getJson(`${serviceUrl}/api/me`, token));
  const outbox = outboxPageSchema.parse(
    await getJson(
      `${serviceUrl}/api/outbox?limit=1000&userId=${encodeURIComponent(me.user.id)}`,
      token,
    ),
  );
  return {
    person: who,
    alerts: alerts.length,
    poppedUp,
    heldBack: [...held]
      .map(([code, entry]) => ({ code, ...entry }))
      .sort((first, second) => second.count - first.count),
    emails: outbox.entries.filter((entry) => entry.channel === 'email').length,
    texts: outbox.entries.filter((entry) => entry.channel === 'text').length,
    heldForDigest,
    notYetPrinted,
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The readable summary: a few lines per person, then the command for the full story. */
export function formatSummary(summaries: readonly PersonSummary[]): string {
  const lines = ['Summary of the demo:'];
  for (const summary of summaries) {
    const heldCount = summary.heldBack.reduce((total, entry) => total + entry.count, 0);
    lines.push(
      `  ${summary.person}: ${plural(summary.alerts, 'alert', 'alerts')}, ${summary.poppedUp} popped up, ${heldCount} did not pop up${heldCount > 0 ? ':' : '.'}`,
    );
    for (const entry of summary.heldBack) {
      lines.push(`    ${entry.count} ${entry.code}${entry.example ? ` (${entry.example})` : ''}`);
    }
    const digest =
      summary.heldForDigest > 0 ? `; ${summary.heldForDigest} more held for a digest` : '';
    lines.push(
      `    The service sent ${plural(summary.emails, 'email', 'emails')} and ${plural(summary.texts, 'text', 'texts')} (its outbox)${digest}.`,
    );
    if (summary.notYetPrinted > 0) {
      lines.push(`    ${summary.notYetPrinted} decisions were not printed yet.`);
    }
  }
  lines.push(`Why each alert went where it did, channel by channel: ${explainCommand}`);
  return lines.join('\n');
}
