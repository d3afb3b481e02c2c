// Static files of a listener: GET/HEAD under one root directory, with content types, ETag /
// 304, index.html for directories, and no way out of the root: `..` segments (raw or
// percent-encoded) get 403, dotfiles and anything resolving outside the root (symlinks too)
// get 404. `/vendor/autobahn.min.js` is the autobahn-browser build from node_modules, so pages
// need no CDN.
import { createReadStream, existsSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { methodNotAllowed, sendText, SECURITY_HEADERS } from './respond.js';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** URL path of the autobahn-browser build served with every static root. */
export const AUTOBAHN_BROWSER_PATH = '/vendor/autobahn.min.js';

/** The `web/` directory shipped with Sprocket (from router/http/ in the sources or dist/router/http/ in a build). */
export function builtInWebRoot(): string {
  for (const up of ['../../web/', '../../../web/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return resolve(dir);
  }
  return resolve(fileURLToPath(new URL('../../web/', import.meta.url)));
}

function autobahnBrowserFile(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('autobahn-browser/autobahn.min.js');
  } catch {
    return undefined;
  }
}

type Outcome = { file: string; stats: Stats } | { status: number; text: string } | { redirect: string };

export class StaticFiles {
  readonly root: string;
  private realRoot: string | undefined;
  private readonly aliases = new Map<string, string>();

  constructor(root: string) {
    this.root = resolve(root);
    const autobahn = autobahnBrowserFile();
    if (autobahn !== undefined) this.aliases.set(AUTOBAHN_BROWSER_PATH, autobahn);
  }

  /** Serves `request` (any path) from the root; answers 404 itself when nothing matches. */
  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const outcome = await this.lookup(request.url ?? '/');
    if ('status' in outcome) return sendText(response, outcome.status, outcome.text);
    // 405 only for what exists: POST /publish on a listener without a bridge is a 404.
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET, HEAD');
    if ('redirect' in outcome) return sendText(response, 301, `Moved to ${outcome.redirect}\n`, undefined, { Location: outcome.redirect });
    this.sendFile(request, response, outcome.file, outcome.stats);
  }

  private async lookup(target: string): Promise<Outcome> {
    // origin-form "/path?query" or absolute-form "http://host/path" (RFC 9112 §3.2)
    const withoutQuery = target.split(/[?#]/, 1)[0];
    const raw = /^https?:\/\//i.test(withoutQuery) ? withoutQuery.replace(/^https?:\/\/[^/]*/i, '') || '/' : withoutQuery;
    if (!raw.startsWith('/')) return { status: 400, text: 'Bad Request: the request target must be a path\n' };
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return { status: 400, text: 'Bad Request: malformed percent-encoding\n' };
    }
    if (decoded.includes('\0')) return { status: 400, text: 'Bad Request\n' };
    const alias = this.aliases.get(decoded);
    if (alias !== undefined) return this.file(alias);
    // Backslashes separate paths on Windows: treat them as separators everywhere.
    const segments = decoded.split(/[/\\]/);
    if (segments.includes('..')) return { status: 403, text: 'Forbidden: path traversal\n' };
    if (segments.some((segment) => segment.startsWith('.'))) return { status: 404, text: 'Not Found\n' };
    const parts = segments.filter((segment) => segment !== '');
    const full = resolve(this.root, ...parts);
    if (full !== this.root && !full.startsWith(this.root + sep)) return { status: 403, text: 'Forbidden: path traversal\n' };
    let stats: Stats;
    try {
      stats = await stat(full);
    } catch {
      return { status: 404, text: 'Not Found\n' };
    }
    if (stats.isDirectory()) {
      // A single leading slash whatever the client sent: "//evil.example" must not become a redirect off-site.
      if (!decoded.endsWith('/')) return { redirect: `/${parts.map(encodeURIComponent).join('/')}/` };
      return this.file(join(full, 'index.html'), true);
    }
    return this.file(full, true);
  }

  /** A regular file, if it exists and (for files under the root) really lies inside it. */
  private async file(path: string, underRoot = false): Promise<Outcome> {
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return { status: 404, text: 'Not Found\n' };
      if (underRoot) {
        this.realRoot ??= await realpath(this.root);
        const real = await realpath(path);
        if (!real.startsWith(this.realRoot + sep)) return { status: 404, text: 'Not Found\n' };
      }
      return { file: path, stats };
    } catch {
      return { status: 404, text: 'Not Found\n' };
    }
  }

  private sendFile(request: IncomingMessage, response: ServerResponse, file: string, stats: Stats): void {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? DEFAULT_CONTENT_TYPE,
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': stats.mtime.toUTCString(),
    };
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Length': stats.size });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    response.on('close', () => stream.destroy());
    stream.pipe(response);
  }
}
