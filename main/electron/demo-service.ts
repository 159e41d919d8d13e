import {
  demoAdminToken,
  demoAgentToken,
  serviceArguments,
  waitForServiceStart,
  type ServiceChild,
} from '../core/connection/service-process';
import type { Logger } from '../core/ports';
import type { DemoServicePort, ServiceTarget } from './main';

/**
 * The embedded demo service, as headless starts it (main/headless/demo-service.ts): the
 * stand-in telephony service with the demo business, in a child process (the layering keeps
 * service/ out of main/), signed in as the demo agent, then the demo scenario played once.
 * In Electron the child is a `utilityProcess` running the bundled service CLI
 * (dist/service/service-cli.cjs): it works packaged, where the RunAsNode fuse is off.
 */

/** The part of Electron's UtilityProcess the demo service uses. */
export interface ChildProcessPort extends ServiceChild {
  kill(): boolean;
}

export type ForkProcess = (modulePath: string, args: string[]) => ChildProcessPort;

export class UtilityProcessDemoService implements DemoServicePort {
  readonly #fork: ForkProcess;
  readonly #serviceModule: string;
  readonly #logger: Logger;
  readonly #playScenario: boolean;

  constructor(options: {
    fork: ForkProcess;
    /** The bundled service CLI. */
    serviceModule: string;
    logger: Logger;
    playScenario: boolean;
  }) {
    this.#fork = options.fork;
    this.#serviceModule = options.serviceModule;
    this.#logger = options.logger;
    this.#playScenario = options.playScenario;
  }

  async start(options: { dataDir: string }): Promise<ServiceTarget> {
    const service = this.#fork(
      this.#serviceModule,
      serviceArguments({ databasePath: `${options.dataDir}/demo-service.sqlite`, seed: 'demo' }),
    );
    let exited = false;
    service.once('exit', () => (exited = true));
    const { url } = await waitForServiceStart(service);
    this.#logger.info('demo service started', { url });
    const players = new Set<ChildProcessPort>();
    if (this.#playScenario) {
      const player = this.#fork(this.#serviceModule, [
        'play',
        'demo',
        '--url',
        url,
        '--token',
        demoAdminToken,
      ]);
      players.add(player);
      player.once('exit', () => players.delete(player));
    }
    return {
      serviceUrl: url,
      token: demoAgentToken,
      stop: async () => {
        for (const player of players) player.kill();
        if (exited) return;
        await new Promise<void>((resolve) => {
          service.once('exit', () => resolve());
          service.kill();
        });
      },
    };
  }
}
