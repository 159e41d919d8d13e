// Runs Electronegativity through its API and writes its findings as one JSON file.
// Why not its CLI's CSV: the CLI writes the CSV header and the rows with two racing async
// writes, so the header can overwrite the first rows and a finding silently disappears (seen on
// this project's CI: one run read 1 finding where the next read 4). The API returns the findings
// and the files it could not parse as data.
// Usage: node tools/electronegativity-scan.mjs <folder> <electron version> <out.json>
import { writeFileSync } from 'node:fs';
import run from '@doyensec/electronegativity';

const [input, electronVersion, outFile] = process.argv.slice(2);
if (!input || !electronVersion || !outFile) {
  process.stderr.write(
    'usage: electronegativity-scan.mjs <folder> <electron version> <out.json>\n',
  );
  process.exit(2);
}

run(
  {
    input,
    electronVersionOverride: electronVersion,
    isRelative: true,
    customScan: [],
    excludeFromScan: [],
    parserPlugins: [],
  },
  false,
).then(
  (result) => {
    const findings = result.issues.map((issue) => ({
      check: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      file: issue.file,
      location: `${issue.location.line}:${issue.location.column}`,
      sample: issue.sample ?? '',
      description: issue.description,
    }));
    const errors = result.errors.map((error) => ({
      file: String(error.file),
      message: String(error.message),
      tolerable: Boolean(error.tolerable),
    }));
    writeFileSync(outFile, JSON.stringify({ findings, errors }));
  },
  (error) => {
    process.stderr.write(
      `electronegativity failed: ${error && error.stack ? error.stack : error}\n`,
    );
    process.exit(1);
  },
);
