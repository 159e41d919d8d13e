import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The settings window is served from `app://ringside/`, a custom scheme registered as standard
 * and secure, never from `file://` (issue 16). On `file://` the CSP's `'self'` meant every file
 * on the disk — any local file could run as the page's script. Here `'self'` is the origin
 * `app://ringside`, and this handler answers it with the files of the built renderer folder and
 * nothing else: no `..` (plain or percent-encoded), no encoded slash or backslash, no absolute
 * path, no symbolic link that leads out, no folder listing — each refused with a 404.
 */

export const appScheme = 'app';
export const appHost = 'ringside';
/** The settings window's origin: what the IPC sender check and navigation guard accept. */
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

/** The privileges of `app:` (Electron's `CustomScheme`). */
export const appSchemePrivileges = {
  // Relative URLs, a real origin (`app://ringside`, not the opaque "null"), web storage.
  standard: true,
  // A secure context, like https: the page behaves as it would on the web, nothing more.
  secure: true,
} as const;

/** `protocol.registerSchemesAsPrivileged`: Electron allows it once, before `ready`. */
export interface PrivilegedSchemesPort {
  registerSchemesAsPrivileged(
    schemes: Array<{ scheme: string; privileges: typeof appSchemePrivileges }>,
  ): void;
}

/** Registers `app:` as a privileged scheme; call it before `app` is ready. */
export function registerAppScheme(protocol: PrivilegedSchemesPort): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: appSchemePrivileges }]);
}

/** The parts of a request the handler reads (Electron passes a fetch `Request`). */
export interface AppRequest {
  url: string;
  method: string;
}

/** Types for what Vite emits into dist/renderer; anything else is not ours to serve. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

/**
 * The path segments a request asks for, or null for anything that could leave the folder or
 * means something else on some system: `..` or `.` (after decoding), an encoded `/` or `\`, a
 * backslash, a colon (a Windows drive or stream), a NUL, an empty segment (`//`).
 */
export function requestedSegments(url: string): string[] | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return null;
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return null;
  const raw = parsed.pathname === '/' ? '/index.html' : parsed.pathname;
  if (/%(2f|5c|00)/i.test(raw)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || /[\\:\0]/.test(decoded)) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return null;
  }
  return segments;
}

/**
 * The `protocol.handle('app', …)` handler over `rendererFolder`. Every response carries the
 * window's CSP (`contentSecurityPolicy`, the one string in session-security.ts) and `nosniff`.
 */
export function createAppProtocolHandler(options: {
  rendererFolder: string;
  contentSecurityPolicy: string;
}): (request: AppRequest) => Promise<Response> {
  const root = path.resolve(options.rendererFolder);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
    }
    const segments = requestedSegments(request.url);
    if (segments === null) return notFound();
    const contentType = contentTypes[path.extname(segments[segments.length - 1] ?? '')];
    if (contentType === undefined) return notFound();
    // Packaged, the folder is inside app.asar: Electron's fs, fs/promises included (realpath,
    // stat, readFile), reads inside the archive.
    const candidate = path.join(root, ...segments);
    if (!isInside(root, candidate)) return notFound();
    let body: Buffer;
    try {
      const real = await realpath(candidate);
      // A symbolic link inside the bundle that points out of it is not part of the bundle.
      if (!isInside(await realpath(root), real) || !(await stat(real)).isFile()) return notFound();
      body = await readFile(real);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentType,
        'Content-Length': String(body.length),
        'Content-Security-Policy': options.contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
