import type { ChildProcess } from 'node:child_process';
import {
  demoAdminToken,
  demoAgentToken,
  spawnServiceCli,
  startServiceProcess,
} from '../core/connection/service-process';

/**
 * Who the headless demo signs in, side by side: the agent (calls, texts, leads on their lines)
 * and the manager who owns the account (usage and payment alerts reach admins only, by email).
 * Names as the demo business seeds them (service/seed.ts; the layering keeps it out of reach).
 */
export const demoSignIns = [
  { key: 'jordan', firstName: 'Jordan', who: 'Jordan Park (agent)', token: demoAgentToken },
  { key: 'sam', firstName: 'Sam', who: 'Sam Rivera (billing admin)', token: demoAdminToken },
] as const;

export interface DemoService {
  url: string;
  token: string;
  /** Plays the demo scenario against the service; resolves when it has played. */
  play(speed: number): Promise<void>;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts the stand-in service with the demo business in a child process (the layering keeps
 * service/ out of main/, so it runs beside the companion rather than inside it) with its
 * database in `folder`, and waits for the line that gives its URL.
 */
export async function startDemoService(folder: string): Promise<DemoService> {
  const service = await startServiceProcess({
    databasePath: `${folder}/service.sqlite`,
    seed: 'demo',
  });
  const players = new Set<ChildProcess>();
  return {
    url: service.url,
    token: demoAgentToken,
    play(speed) {
      const player = spawnServiceCli([
        'play',
        'demo',
        '--url',
        service.url,
        '--token',
        demoAdminToken,
        '--speed',
        String(speed),
      ]);
      players.add(player);
      return new Promise((resolve) => {
        player.once('exit', () => {
          players.delete(player);
          resolve();
        });
      });
    },
    async stop() {
      await Promise.all([...players].map(stopChild));
      await service.kill('SIGTERM');
    },
  };
}
