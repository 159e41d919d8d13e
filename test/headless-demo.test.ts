import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxPageSchema } from '../common';
import { clockIn } from '../main/headless/clock';
import { headlessOptionRows } from '../main/headless/options';
import { demoSignIns } from '../main/headless/demo-service';
import { cleanupAfterEach } from './support/cleanups';
import { projectRoot, spawnHeadless } from './support/headless-child';
import { callApi } from './support/service-test-client';

/**
 * Issue 17: the demo as a newcomer sees it, run at high speed as a real child process on a
 * machine clock in Tokyo, for users in Los Angeles. Pop-ups go to the recording notifier (the
 * test hook), so what "popped up" means does not depend on a notification daemon here.
 */
const { temporaryFolder } = cleanupAfterEach('ringside-demo-');
const userZone = 'America/Los_Angeles';
const names = [
  'Ann Lee',
  'Ben Ortiz',
  'Carla Diaz',
  'Dev Patel',
  'Priya Shah',
  'Tom Becker',
  'Lena Novak',
  'Marcus Hill',
  'Grace Kim',
];

interface PrintedLine {
  time: string;
  person: string;
  kind: string;
  description: string;
  outcome: string;
  line: string;
}

const decisionPattern = /^(\d\d:\d\d:\d\d) (\S+) +(\S+) +(.*?) (→ .*)$/;

function parseDecision(line: string): PrintedLine | null {
  const match = decisionPattern.exec(line);
  if (!match) return null;
  const [, time = '', person = '', kind = '', description = '', outcome = ''] = match;
  return { time, person, kind, description, outcome, line };
}

/** Minutes between two wall-clock times, around midnight. */
function minutesApart(first: string, second: string): number {
  const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
  const difference = Math.abs(minutes(first) - minutes(second));
  return Math.min(difference, 24 * 60 - difference);
}

describe('the demo, as a newcomer sees it (issue 17)', () => {
  it('prints on the user clock, says each name once, sums up from what it printed and the outbox', async () => {
    const folder = temporaryFolder();
    const companion = spawnHeadless(['--demo-speed', '20'], {
      TZ: 'Asia/Tokyo',
      RINGSIDE_SERVICE_URL: '',
      RINGSIDE_TOKEN: '',
      RINGSIDE_TEST_HOOKS: '1',
      RINGSIDE_NOTIFIER_RECORD: join(folder, 'popups.jsonl'),
    });
    try {
      await companion.waitForLine(
        'stdout',
        (line) => line.startsWith('Why each alert went where it did'),
        'the summary',
        120_000,
      );
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(companion.stderr.join('\n'))?.[1] ?? '';
      expect(url).not.toBe('');
      const stdout = [...companion.stdout];
      const now = Date.now();

      // One clock, labelled once before the first time printed.
      expect(stdout[0]).toBe(`Times are in ${userZone}`);
      expect(stdout.filter((line) => line.startsWith('Times are'))).toHaveLength(1);
      const summaryStart = stdout.indexOf('Summary of the demo:');
      expect(summaryStart).toBeGreaterThan(1);
      // No outcome changes within the test's seconds (digests wait 5 minutes): no "updated" lines.
      const decisions = stdout.slice(1, summaryStart).map((line) => {
        const parsed = parseDecision(line);
        if (!parsed) throw new Error(`Not a decision line: ${line}`);
        return parsed;
      });
      // Every time, in the column and in the words, is on Los Angeles' clock, not Tokyo's or UTC.
      const here = clockIn(now, userZone);
      for (const decision of decisions) {
        expect(minutesApart(decision.time, here), decision.line).toBeLessThan(5);
      }
      const appointment = decisions.find((decision) => decision.kind === 'appointmentCreated');
      const startsAt = / · (\d\d:\d\d)$/.exec(appointment?.description ?? '')?.[1] ?? '';
      expect(minutesApart(startsAt, clockIn(now + 61 * 60_000, userZone))).toBeLessThan(5);

      // Each name said once per description.
      for (const decision of decisions) {
        for (const name of names) {
          expect(decision.description.split(name).length, decision.line).toBeLessThanOrEqual(2);
        }
      }
      const burst = decisions.find((decision) => decision.kind === 'highSms');
      // 16 texts 500 ms apart at speed 20: 0.375 s of event time, said as 1 s.
      expect(burst?.description).toMatch(/16 texts in 1 s from Ann Lee/);

      // The whole story: leads through and held back, usage, a failed payment, holds with reasons.
      const of = (person: string, kind: string) =>
        decisions.filter((decision) => decision.person === person && decision.kind === kind);
      const jordanLeads = of('Jordan', 'lead');
      expect(jordanLeads.filter((lead) => lead.outcome.includes('desktop shown'))).toHaveLength(3);
      expect(
        jordanLeads.filter((lead) => lead.outcome.includes('desktop notSent (belowLeadThreshold)')),
      ).toHaveLength(2);
      expect(of('Sam', 'usageThreshold').map((line) => line.description)).toEqual([
        expect.stringMatching(/^75% of included minutes used/),
        expect.stringMatching(/^90% of included minutes used/),
        expect.stringMatching(/^All included minutes used/),
      ]);
      expect(of('Sam', 'paymentFailed')[0]?.outcome).toMatch(/email sent to sam@/);
      expect(decisions.some((line) => line.outcome.includes('desktop held (lineMuted)'))).toBe(
        true,
      );
      expect(decisions.some((line) => line.outcome.includes('desktop held (quietHours)'))).toBe(
        true,
      );
      // The life of a call: a ring-group call answered by a teammate, told once; a missed one.
      const jordanCalls = of('Jordan', 'call').map((line) => line.description);
      expect(
        jordanCalls.filter((line) =>
          line.startsWith('Answered by Taylor Reed — Call from Dev Patel'),
        ),
      ).toHaveLength(1);
      expect(
        jordanCalls.filter((line) => line.startsWith('Missed call from Ben Ortiz')),
      ).toHaveLength(1);

      // The summary: its counts are the printed decisions', its emails and texts the outbox's.
      const summary = stdout.slice(summaryStart);
      for (const signIn of demoSignIns) {
        const mine = decisions.filter((decision) => decision.person === signIn.firstName);
        const alerts = mine.filter((decision) => !decision.outcome.includes('(notAnAlert)'));
        const popped = alerts.filter((decision) => decision.outcome.includes('desktop shown'));
        const headline = summary.find((line) => line.startsWith(`  ${signIn.who}:`)) ?? '';
        expect(headline).toBe(
          `  ${signIn.who}: ${alerts.length} alerts, ${popped.length} popped up, ${alerts.length - popped.length} did not pop up${alerts.length > popped.length ? ':' : '.'}`,
        );
        const start = summary.indexOf(headline);
        const sent = summary.slice(start).find((line) => line.includes('The service sent')) ?? '';
        const reasons = summary.slice(start + 1, summary.indexOf(sent));
        for (const reason of reasons) {
          const [, count = '', code = ''] = /^ {4}(\d+) (\w+)/.exec(reason) ?? [];
          const printed = alerts.filter(
            (decision) =>
              !decision.outcome.includes('desktop shown') &&
              new RegExp(`desktop \\w+ \\(${code}\\)`).test(decision.outcome),
          );
          expect(Number(count), reason).toBe(printed.length);
        }
        const userId = `user-${signIn.key}`;
        const outbox = outboxPageSchema.parse(
          (await callApi(url, signIn.token, 'GET', `/api/outbox?limit=1000&userId=${userId}`)).body,
        );
        const emails = outbox.entries.filter((entry) => entry.channel === 'email').length;
        const texts = outbox.entries.filter((entry) => entry.channel === 'text').length;
        expect(sent).toMatch(
          new RegExp(`The service sent ${emails} emails? and ${texts} texts? \\(its outbox\\)`),
        );
        // Each email printed as sent is in that outbox.
        const outboxIds = new Set(outbox.entries.map((entry) => entry.id));
        for (const decision of mine) {
          for (const [, id] of decision.outcome.matchAll(/\(outbox (\d+)\)/g)) {
            expect(outboxIds.has(Number(id)), decision.line).toBe(true);
          }
        }
      }
      expect(summary.at(-1)).toBe(
        'Why each alert went where it did, channel by channel: npm start -- --explain',
      );
    } finally {
      await companion.kill('SIGTERM');
    }
  }, 180_000);

  it('--help lists every option the parser knows, one line each (npm run headless and npm start)', () => {
    for (const entry of ['main/headless/cli.ts', 'main/launcher.ts']) {
      const help = spawnSync(process.execPath, ['--import', 'tsx', entry, '--help'], {
        cwd: projectRoot,
        encoding: 'utf8',
      });
      expect(help.status, help.stderr).toBe(0);
      const lines = help.stdout.split('\n');
      for (const row of headlessOptionRows) {
        const listed = lines.filter((line) => new RegExp(`--${row.name}\\b(?!-)`).test(line));
        expect(listed, `${entry} --${row.name}`).toHaveLength(1);
        expect(listed[0]).toContain(row.description);
      }
    }
    const unknown = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'main/headless/cli.ts', '--frobnicate'],
      { cwd: projectRoot, encoding: 'utf8' },
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'Unknown option --frobnicate: npm run headless -- --help lists every option.',
    );
  });
});
