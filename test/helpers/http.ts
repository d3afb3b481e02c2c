// Plain HTTP requests for the HTTP-side tests. node:http, not fetch: fetch normalizes paths
// ("/../x" → "/x"), and the traversal tests must send the request target exactly as written.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  host?: string;
}

/** Sends one request with `path` as the literal request target. */
export function http(port: number, path: string, options: HttpOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Connection: 'close', ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413, 401) and close before the whole body is written.
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') return reject(error);
      setTimeout(() => (answered ? undefined : reject(error)), 1000).unref();
    });
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** POSTs a JSON body. */
export function postJson(port: number, path: string, value: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  return http(port, path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } });
}
