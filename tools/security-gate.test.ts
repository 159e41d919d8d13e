import { describe, expect, it } from 'vitest';
import { judge, scanSchema } from './security-gate';

const scan = {
  findings: [
    {
      check: 'OPEN_EXTERNAL_JS_CHECK',
      severity: 'MEDIUM',
      confidence: 'TENTATIVE',
      file: 'main/electron-main.js',
      location: '5279:10',
      sample: 'await this.#shell.openExternal(target.href);',
      description: 'Review the use of openExternal',
    },
    {
      check: 'NODE_INTEGRATION_JS_CHECK',
      severity: 'HIGH',
      confidence: 'FIRM',
      file: 'main/electron-main.js',
      location: '10:2',
      sample: 'nodeIntegration: true, "quoted", comma',
      description: 'Disable nodeIntegration',
    },
    {
      check: 'CSP_GLOBAL_CHECK',
      severity: 'LOW',
      confidence: 'FIRM',
      file: 'renderer/index.html',
      location: '5:0',
      sample: "default-src 'self'",
      description: 'One or more CSP directives',
    },
  ],
  errors: [],
};

const accepted = [
  {
    check: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/electron-main.js',
    sampleIncludes: 'openExternal(target.href)',
    reason: 'reviewed: the allow-list runs first',
  },
];

describe('the security gate', () => {
  it('reads the scanner output and refuses a mangled one instead of passing it', () => {
    expect(scanSchema.parse(scan).findings).toHaveLength(3);
    // What the CLI's racing CSV writes once produced: a description where the check id belongs.
    const mangled = structuredClone(scan);
    mangled.findings[0]!.check = 'it may not be valid.,https://example.com';
    expect(() => scanSchema.parse(mangled)).toThrow();
    const unknownSeverity = structuredClone(scan);
    unknownSeverity.findings[1]!.severity = '"HIGH"';
    expect(() => scanSchema.parse(unknownSeverity)).toThrow();
  });

  it('fails HIGH and MEDIUM findings the baseline does not name, never LOW ones', () => {
    const { findings } = scanSchema.parse(scan);
    const { unlisted, used } = judge(findings, accepted);
    expect(unlisted.map((finding) => finding.check)).toEqual(['NODE_INTEGRATION_JS_CHECK']);
    expect([...used]).toEqual([0]);
    // The same check on other code is not covered by the entry.
    const elsewhere = scanSchema.parse(scan).findings.map((finding) => ({
      ...finding,
      sample: finding.sample.replace('target.href', 'request.url'),
    }));
    expect(judge(elsewhere, accepted).unlisted).toHaveLength(2);
  });
});
