import { execFile } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from './support/cleanups';
import { desktopSession, dunstHistory } from './support/dunst';
import { projectRoot, spawnHeadless } from './support/headless-child';

/**
 * The README's screenshot (docs/desktop-popups.png): the demo's real pop-ups on a desktop, as
 * dunst draws them under Xvfb, taken with ImageMagick's `import -window root`. Each run takes
 * one into a temp folder and checks it; `RINGSIDE_UPDATE_SCREENSHOT=1` copies it to docs/:
 *   RINGSIDE_UPDATE_SCREENSHOT=1 bash tools/with-desktop.sh npx vitest run test/demo-screenshot.test.ts
 */
const run = promisify(execFile);
const inCi = process.env['CI'] === 'true';
const importTool = '/usr/bin/import';
const skipReason = !desktopSession
  ? 'no desktop session (RINGSIDE_DESKTOP_SESSION is not 1): run it with bash tools/with-desktop.sh'
  : !existsSync(importTool)
    ? 'ImageMagick is not installed (apt-get install imagemagick; .ci/run installs it)'
    : null;
const screenshotPath = join(projectRoot, 'docs', 'desktop-popups.png');

const { temporaryFolder } = cleanupAfterEach('ringside-screenshot-');

// In CI the desktop session and ImageMagick are part of the job: without them this fails
// instead of skipping.
if (skipReason !== null && inCi) {
  it('requires the desktop session and ImageMagick in CI', () => {
    throw new Error(`CI=true but ${skipReason}`);
  });
}
if (skipReason !== null && !inCi) {
  process.stderr.write(`test/demo-screenshot.test.ts: skipped, ${skipReason}\n`);
}

describe.skipIf(skipReason !== null)(
  'the demo on a real desktop (screenshot for the README)',
  () => {
    it('shows the demo pop-ups through dunst and captures the screen with them on it', async () => {
      const folder = temporaryFolder();
      const companion = spawnHeadless(['--demo-speed', '2'], {
        RINGSIDE_SERVICE_URL: '',
        RINGSIDE_TOKEN: '',
      });
      try {
        // Several pop-ups are up at once here: the ringing Support Line call stays until it is
        // answered, and the two voicemails arrive within a second of each other.
        await companion.waitForLine(
          'stdout',
          (line) => line.includes("Voicemail on Jordan's line") && line.includes('desktop shown'),
          "the pop-up of the voicemail on Jordan's line",
          60_000,
        );
        const shot = join(folder, 'desktop.png');
        await run(importTool, ['-window', 'root', shot]);
        const { stdout: colours } = await run('/usr/bin/identify', ['-format', '%k', shot]);
        // An empty Xvfb screen is one colour; dunst's pop-ups add their frame, text and background.
        expect(Number(colours)).toBeGreaterThan(4);
        const titles = (await dunstHistory()).map((entry) => entry.summary);
        expect(titles).toContain('Incoming call on Support Line');
        expect(titles).toContain("Voicemail on Jordan's line");
        if (process.env['RINGSIDE_UPDATE_SCREENSHOT'] === '1') copyFileSync(shot, screenshotPath);
        expect(existsSync(screenshotPath)).toBe(true);
      } finally {
        await companion.kill('SIGTERM');
      }
    }, 120_000);
  },
);
