import { describe, expect, it } from 'vitest';
import { findingsFromCsv, judge, parseCsv } from './security-gate';

const csv = `issue, severity, confidence, filename, location, sample, description, url
OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","main/electron-main.js","5279:10","await shell.openExternal(new URL(url).href);","Review the use of openExternal",https://example.com/a
NODE_INTEGRATION_JS_CHECK,"HIGH","FIRM","main/electron-main.js","10:2","nodeIntegration: true, ""quoted"", comma","Disable nodeIntegration",https://example.com/b
CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","5:0","default-src 'self'","One or more CSP directives",https://example.com/c
`;

describe('the security gate', () => {
  it('reads Electronegativity CSV, quotes and commas included', () => {
    expect(parseCsv('a,"b,c","d ""e"""\n')).toEqual([['a', 'b,c', 'd "e"']]);
    const findings = findingsFromCsv(csv);
    expect(findings).toHaveLength(3);
    expect(findings[1]).toMatchObject({
      check: 'NODE_INTEGRATION_JS_CHECK',
      severity: 'HIGH',
      sample: 'nodeIntegration: true, "quoted", comma',
    });
  });

  it('fails HIGH and MEDIUM findings the baseline does not name, never LOW ones', () => {
    const findings = findingsFromCsv(csv);
    const accepted = [
      {
        check: 'OPEN_EXTERNAL_JS_CHECK',
        file: 'main/electron-main.js',
        sampleIncludes: 'openExternal(new URL(url).href)',
        reason: 'reviewed: the allow-list runs first',
      },
    ];
    const { unlisted, used } = judge(findings, accepted);
    expect(unlisted.map((finding) => finding.check)).toEqual(['NODE_INTEGRATION_JS_CHECK']);
    expect([...used]).toEqual([0]);
    // The same check on other code is not covered by the entry.
    const elsewhere = findingsFromCsv(csv.replace('new URL(url).href', 'request.url'));
    expect(judge(elsewhere, accepted).unlisted).toHaveLength(2);
  });
});
