// Small response helpers shared by the HTTP handlers.
import type { ServerResponse } from 'node:http';

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const;

export function sendText(response: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendText(response, status, `${JSON.stringify(value)}\n`, 'application/json; charset=utf-8', headers);
}

/** 404 for a path nothing serves. */
export function notFound(response: ServerResponse): void {
  sendText(response, 404, 'Not Found\n');
}

/** 405 with the methods the path allows. */
export function methodNotAllowed(response: ServerResponse, allow: string): void {
  sendText(response, 405, `Method Not Allowed (allowed: ${allow})\n`, 'text/plain; charset=utf-8', { Allow: allow });
}

export { SECURITY_HEADERS };
