import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Proves that each boundary of the layering (README's table, tools/eslint-plugin-layers.js and
 * the `no-restricted-globals` block for common/) makes lint fail when broken. Honest probes: each
 * is a real file written into the real folder, linted with the project's own ESLint config
 * (type-aware, as `npm run lint` does), then deleted. Control probes that respect the boundaries
 * show the rule is not simply firing on everything.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Type-aware lint builds the whole typed program; on a busy 2-core machine that is slow. */
const lintTimeout = 120_000;

interface Probe {
  /** What the probe shows, for the test name. */
  name: string;
  /** Folder inside the repository the probe is written to. */
  folder: string;
  source: string;
  /** The rule that must fire, or null for a control that must pass the layering. */
  rule: 'layers/layering' | 'no-restricted-globals' | null;
  /** Words the message must contain, so the right boundary is named. */
  message?: string;
  /** Name suffix; `.test.ts` probes check the allowances test files get. */
  suffix?: string;
}

const layering = 'layers/layering';

const probes: Probe[] = [
  // common/: plain TypeScript only.
  {
    name: "common/ importing 'node:fs'",
    folder: 'common',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
    rule: layering,
    message: "'common/' may not import the Node built-in 'node:fs'",
  },
  {
    name: "common/ importing 'fs'",
    folder: 'common',
    source: "import fs from 'fs';\nexport const probe = fs;\n",
    rule: layering,
    message: "Node built-in 'fs'",
  },
  {
    name: "common/ importing 'electron'",
    folder: 'common',
    source: "import { app } from 'electron';\nexport const probe = app;\n",
    rule: layering,
    message: "'common/' may not import the package 'electron'",
  },
  {
    name: 'common/ importing a sibling folder (../main/core/ports)',
    folder: 'common',
    source: "import type { Clock } from '../main/core/ports';\nexport type Probe = Clock;\n",
    rule: layering,
    message: "'common/' may not import from 'main/core/'",
  },
  {
    name: 'a file deep in common/ importing main/ (resolved, however deep)',
    folder: 'common/policy',
    source: "import type { Clock } from '../../main/core/ports';\nexport type Probe = Clock;\n",
    rule: layering,
    message: "'common/' may not import from 'main/core/'",
  },
  {
    name: 'common/ using window',
    folder: 'common',
    source: 'export const probe = window;\n',
    rule: 'no-restricted-globals',
    message: 'no DOM or Node globals',
  },
  {
    name: 'common/ using process',
    folder: 'common',
    source: 'export const probe = process.env;\n',
    rule: 'no-restricted-globals',
    message: 'no DOM or Node globals',
  },
  {
    name: 'a test file in common/ importing a Node built-in',
    folder: 'common',
    suffix: '.test.ts',
    source:
      "import { readFileSync } from 'node:fs';\nimport { it } from 'vitest';\n" +
      "it('is a layering probe', () => void readFileSync);\n",
    rule: layering,
    message: "Node built-in 'node:fs'",
  },
  // main/core: plain Node, never Electron.
  {
    name: "main/core importing 'electron'",
    folder: 'main/core',
    source: "import { app } from 'electron';\nexport const probe = app;\n",
    rule: layering,
    message: "'main/core/' may not import the package 'electron'",
  },
  // renderer: common/ and browser libraries only.
  {
    name: "renderer importing 'node:path'",
    folder: 'renderer',
    source: "import path from 'node:path';\nexport const probe = path;\n",
    rule: layering,
    message: "'renderer/' may not import the Node built-in 'node:path'",
  },
  {
    name: "renderer importing 'electron'",
    folder: 'renderer',
    source: "import { shell } from 'electron';\nexport const probe = shell;\n",
    rule: layering,
    message: "'renderer/' may not import the package 'electron'",
  },
  {
    name: 'renderer importing ../main/core/x',
    folder: 'renderer',
    source: "import type { Clock } from '../main/core/ports';\nexport type Probe = Clock;\n",
    rule: layering,
    message: "'renderer/' may not import from 'main/core/'",
  },
  // preload: common/ and electron, no Node built-ins (it runs sandboxed).
  {
    name: 'preload importing a Node built-in',
    folder: 'preload',
    source: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
    rule: layering,
    message: "'preload/' may not import the Node built-in 'node:fs'",
  },
  // service: common/ only.
  {
    name: "service importing 'electron'",
    folder: 'service',
    source: "import { app } from 'electron';\nexport const probe = app;\n",
    rule: layering,
    message: "'service/' may not import the package 'electron'",
  },
  {
    name: 'service importing main/',
    folder: 'service',
    source: "import type { Clock } from '../main/core/ports';\nexport type Probe = Clock;\n",
    rule: layering,
    message: "'service/' may not import from 'main/core/'",
  },
  // Nothing imports e2e/ or bench/ (bench may not import e2e/ either).
  ...(
    [
      ['common', '../e2e/fixtures'],
      ['common', '../bench/run'],
      ['main/core', '../../e2e/fixtures'],
      ['main/electron', '../../bench/run'],
      ['main/headless', '../../e2e/fixtures'],
      ['preload', '../bench/run'],
      ['renderer', '../e2e/fixtures'],
      ['service', '../bench/run'],
      ['test', '../e2e/fixtures'],
      ['test', '../bench/run'],
      ['bench', '../e2e/fixtures'],
    ] as const
  ).map(([folder, target]): Probe => ({
    name: `${folder} importing ${target.replace(/^(\.\.\/)+/, '')}`,
    folder,
    source: `import '${target}';\n`,
    rule: layering,
    message: `may not import from '${target.includes('e2e') ? 'e2e' : 'bench'}/'`,
  })),
  // Product code never loads test support: the shared support under test/, or a test or
  // *.test-support module beside it.
  {
    name: 'main/core importing test/support/ (shared test support)',
    folder: 'main/core',
    source:
      "import { ManualClock } from '../../test/support/manual-clock';\nexport const probe = ManualClock;\n",
    rule: layering,
    message: "'main/core/' may not import from 'test/'",
  },
  {
    name: 'service importing test/support/',
    folder: 'service',
    source:
      "import { callApi } from '../test/support/service-test-client';\nexport const probe = callApi;\n",
    rule: layering,
    message: "'service/' may not import from 'test/'",
  },
  {
    name: 'main/electron importing a *.test-support module beside it',
    folder: 'main/electron',
    source: "import '../electron/fake-companion.test-support';\n",
    rule: layering,
    message: 'product code never loads test support',
  },
  {
    name: 'main/core importing a test file',
    folder: 'main/core',
    source: "import './pipeline.test';\n",
    rule: layering,
    message: 'product code never loads test support',
  },
  // Controls: what each folder may import passes the layering.
  {
    name: 'control: common/ importing zod, libphonenumber-js and common/',
    folder: 'common',
    source:
      "import { isValidPhoneNumber } from 'libphonenumber-js';\nimport { z } from 'zod';\n" +
      "import { channels } from './alert-types';\n" +
      'export const probe = [z.enum(channels), isValidPhoneNumber];\n',
    rule: null,
  },
  {
    name: 'control: a test file in common/ importing vitest and common/',
    folder: 'common',
    suffix: '.test.ts',
    source:
      "import { it } from 'vitest';\nimport { channels } from './alert-types';\n" +
      "it('is a layering probe', () => void channels);\n",
    rule: null,
  },
  {
    name: 'control: main/core importing Node and common/',
    folder: 'main/core',
    source:
      "import { readFileSync } from 'node:fs';\nimport { channels } from '../../common/alert-types';\n" +
      "import type { Clock } from './ports';\nexport type Probe = Clock;\n" +
      'export const probe = [readFileSync, channels];\n',
    rule: null,
  },
  {
    name: 'control: main/electron importing electron and main/core',
    folder: 'main/electron',
    source:
      "import { app } from 'electron';\nimport type { Clock } from '../core/ports';\n" +
      'export type Probe = Clock;\nexport const probe = app;\n',
    rule: null,
  },
  {
    name: 'control: renderer importing react, zustand and common/',
    folder: 'renderer',
    source:
      "import { useState } from 'react';\nimport { create } from 'zustand';\n" +
      "import { channels } from '../common/alert-types';\n" +
      'export const probe = [useState, create, channels];\n',
    rule: null,
  },
  {
    name: 'control: preload importing electron and common/',
    folder: 'preload',
    source:
      "import { contextBridge } from 'electron';\nimport { channels } from '../common/alert-types';\n" +
      'export const probe = [contextBridge, channels];\n',
    rule: null,
  },
  {
    name: 'control: service importing Node and common/',
    folder: 'service',
    source:
      "import { createServer } from 'node:http';\nimport { channels } from '../common/alert-types';\n" +
      'export const probe = [createServer, channels];\n',
    rule: null,
  },
  {
    name: 'control: a test file in main/core importing test/support/',
    folder: 'main/core',
    suffix: '.test.ts',
    source:
      "import { it } from 'vitest';\nimport { ManualClock } from '../../test/support/manual-clock';\n" +
      "it('is a layering probe', () => void ManualClock);\n",
    rule: null,
  },
  {
    name: 'control: bench/ importing test/support/',
    folder: 'bench',
    source:
      "import { ManualClock } from '../test/support/manual-clock';\nexport const probe = ManualClock;\n",
    rule: null,
  },
  {
    name: 'control: test/ importing main/ and common/',
    folder: 'test',
    source:
      "import type { Clock } from '../main/core/ports';\nimport { channels } from '../common/alert-types';\n" +
      'export type Probe = Clock;\nexport const probe = channels;\n',
    rule: null,
  },
];

const files = probes.map((probe, index) =>
  path.join(
    repoRoot,
    probe.folder,
    `__layering-probe-${process.pid}-${index}${probe.suffix ?? '.ts'}`,
  ),
);

let results: ESLint.LintResult[] = [];

beforeAll(async () => {
  try {
    probes.forEach((probe, index) => writeFileSync(files[index] ?? '', probe.source));
    const eslint = new ESLint({ cwd: repoRoot });
    results = await eslint.lintFiles(files);
  } finally {
    for (const file of files) rmSync(file, { force: true });
  }
}, lintTimeout);

afterAll(() => {
  for (const file of files) rmSync(file, { force: true });
});

function messagesFor(index: number) {
  const file = files[index];
  const result = results.find((candidate) => candidate.filePath === file);
  if (!result) throw new Error(`${file ?? index} was not linted`);
  return result.messages;
}

const boundaryRules = new Set(['layers/layering', 'no-restricted-globals']);

describe('layering: each boundary makes lint fail', () => {
  it.each(probes.map((probe, index) => ({ ...probe, index })))('$name', (probe) => {
    const messages = messagesFor(probe.index);
    // A probe that did not parse would prove nothing.
    expect(messages.filter((message) => message.fatal)).toEqual([]);
    const boundary = messages.filter((message) => boundaryRules.has(message.ruleId ?? ''));
    if (probe.rule === null) {
      expect(boundary).toEqual([]);
      return;
    }
    const fired = boundary.filter((message) => message.ruleId === probe.rule);
    expect(fired.length, JSON.stringify(messages)).toBeGreaterThan(0);
    expect(fired.every((message) => message.severity === 2)).toBe(true);
    if (probe.message)
      expect(fired.map((message) => message.message).join('\n')).toContain(probe.message);
  });

  it('leaves no probe behind', () => {
    expect(files.filter((file) => existsSync(file))).toEqual([]);
  });
});
