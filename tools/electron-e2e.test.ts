import { describe, expect, it } from 'vitest';
import { countTests, notRun } from './electron-e2e';

describe('the Electron e2e report', () => {
  const suites = [
    {
      title: 'startup.spec.ts',
      specs: [],
      suites: [
        {
          title: 'start-up',
          specs: [
            {
              title: 'opens a sandboxed settings window',
              file: 'startup.spec.ts',
              tests: [
                {
                  status: 'skipped',
                  annotations: [{ type: 'skip', description: 'Electron binary not available' }],
                },
              ],
            },
            {
              title: 'a second launch exits',
              file: 'startup.spec.ts',
              tests: [{ status: 'expected' }],
            },
          ],
        },
      ],
    },
  ];

  it('lists each test that did not run, by file, describe and title, with the reason', () => {
    expect(notRun(suites)).toEqual([
      'startup.spec.ts › start-up › opens a sandboxed settings window — Electron binary not available',
    ]);
  });

  it('counts every test, so a file that failed to load (no tests) is never "all ran"', () => {
    expect(countTests(suites)).toBe(2);
    expect(countTests([{ title: 'broken.spec.ts', specs: [] }])).toBe(0);
  });
});
