import type { SessionPort } from './electron-ports';

/**
 * The settings window's Content-Security-Policy, the one source of it: only our own scripts,
 * styles and images (and data: images), no plugins, no <base>, no form posts, no frames in it,
 * never framed. `'self'` is the origin `app://ringside` (app-protocol.ts), whose handler sends
 * this header with every file of the bundle and serves nothing else, so `'self'` means our bundle
 * and nothing else on disk. `secureSession` sets it on the dev server's responses too. The
 * renderer's index.html repeats it in a <meta> tag (all but frame-ancestors, which a meta tag
 * cannot set) for wherever the page is served without the header; a test keeps the two equal,
 * and e2e/browser/content-security-policy.spec.ts proves in Chromium what it refuses.
 */
// One literal, so reviewers and Electronegativity's CSP check read the policy as it is sent.
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'";

/**
 * Secures a session: the CSP header on every response for our own pages, and every permission
 * (camera, microphone, notifications, geolocation…) refused, asked or checked. The settings
 * window needs none of them, and Electron grants them all by default.
 */
export function secureSession(session: SessionPort, pages: { isOwn(url: string): boolean }): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!pages.isOwn(details.url)) {
      callback({
        ...(details.responseHeaders ? { responseHeaders: details.responseHeaders } : {}),
      });
      return;
    }
    const headers: Record<string, string[] | string> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Ours replaces any policy the server sent (a dev server's, for example).
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [contentSecurityPolicy];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
