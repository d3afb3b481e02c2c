// The HTTP → WAMP bridge of a listener, with Crossbar-compatible request bodies:
//   POST /publish {topic, args?, kwargs?, options?}     → 200 {"id": publicationId}
//   POST /call    {procedure, args?, kwargs?, options?} → 200 {"args", "kwargs"}
// A WAMP error comes back as {"error": uri, "args", "kwargs"} with 404 (no_such_procedure),
// 403 (not_authorized), 504 (timeout), 400 (invalid_uri) or 502 (anything else). Every request
// needs a configured bearer token, and when `hmacSecret` is set an `X-Sprocket-Signature:
// sha256=<hex>` HMAC of the raw body; bodies over `maxBodySize` get 413.
//
// The bridge acts through an in-process session in its realm with its authrole. That session
// exists only while bridge requests are in flight: the first request opens it, the last one to
// finish closes it. An idle router therefore holds no bridge session (router.stats() and the
// meta API see one only while a request runs), and router.close() ends it with the others.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageType } from '../../realms/protocol/message-type.js';
import type { Args, Call, Dict, Publish } from '../../realms/protocol/messages.js';
import { ProtocolViolation, WampError } from '../../realms/protocol/errors.js';
import { ErrorUri } from '../../realms/protocol/uris.js';
import { HTTP_DEFAULTS, type BridgeConfig } from '../config.js';
import type { LocalSession, LocalSessionOptions } from '../session/local-session.js';
import { checkOptions } from '../wire/options.js';
import type { Logger } from '../logger.js';
import type { RouterMetrics } from './metrics.js';
import { methodNotAllowed, sendJson } from './respond.js';

export interface BridgeHost {
  openSession(realm: string, options: LocalSessionOptions): LocalSession;
  isClosing(): boolean;
  readonly metrics: RouterMetrics | undefined;
  readonly logger: Logger;
}

export type BridgeEndpoint = 'publish' | 'call';

/** The bridge's own error URIs (the HTTP request failed before reaching WAMP). */
export const BridgeErrorUri = {
  unauthorized: 'sprocket.error.unauthorized',
  badSignature: 'sprocket.error.bad_signature',
  badRequest: 'sprocket.error.bad_request',
  payloadTooLarge: 'sprocket.error.payload_too_large',
  unavailable: 'sprocket.error.unavailable',
} as const;

/** Header carrying the body's HMAC: `sha256=<hex HMAC-SHA256(hmacSecret, raw body)>`. */
export const SIGNATURE_HEADER = 'x-sprocket-signature';

/** HTTP status for a WAMP error URI answered by the router or a callee. */
export function statusForWampError(uri: string): number {
  switch (uri) {
    case ErrorUri.noSuchProcedure:
      return 404;
    case ErrorUri.notAuthorized:
      return 403;
    case ErrorUri.timeout:
      return 504;
    case ErrorUri.invalidUri:
      return 400;
    case ErrorUri.goodbyeAndOut: // the router closed the bridge session: it is shutting down
      return 503;
    default:
      return 502;
  }
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly uri: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class HttpBridge {
  private readonly tokenDigests: Buffer[];
  private readonly maxBodySize: number;
  private readonly authrole: string;
  private readonly callTimeoutMs: number;
  private session: LocalSession | undefined;
  private users = 0;

  constructor(
    private readonly config: BridgeConfig,
    private readonly host: BridgeHost,
  ) {
    this.tokenDigests = config.tokens.map(digest);
    this.maxBodySize = config.maxBodySize ?? HTTP_DEFAULTS.bridgeMaxBodySize;
    this.authrole = config.authrole ?? HTTP_DEFAULTS.bridgeAuthrole;
    this.callTimeoutMs = config.callTimeoutMs ?? HTTP_DEFAULTS.bridgeCallTimeoutMs;
  }

  async serve(request: IncomingMessage, response: ServerResponse, endpoint: BridgeEndpoint): Promise<void> {
    if (request.method !== 'POST') return methodNotAllowed(response, 'POST');
    let status: number;
    try {
      const body = await this.admit(request);
      const value = await this.perform(endpoint, body);
      status = 200;
      sendJson(response, status, value);
    } catch (error) {
      status = this.fail(response, error, endpoint);
    }
    this.host.metrics?.countBridgeRequest(endpoint, status);
  }

  /** Token, size and signature checks; resolves with the parsed body. */
  private async admit(request: IncomingMessage): Promise<Dict> {
    this.checkToken(request.headers.authorization);
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > this.maxBodySize) throw this.tooLarge();
    const raw = await this.readBody(request);
    if (this.config.hmacSecret !== undefined) this.checkSignature(request.headers[SIGNATURE_HEADER], raw, this.config.hmacSecret);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpFailure(400, BridgeErrorUri.badRequest, 'the request body is not valid JSON');
    }
    if (!isDict(body)) throw new HttpFailure(400, BridgeErrorUri.badRequest, 'the request body must be a JSON object');
    return body;
  }

  private checkToken(header: string | undefined): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const challenge = { 'WWW-Authenticate': 'Bearer realm="sprocket"' };
    if (match === null) throw new HttpFailure(401, BridgeErrorUri.unauthorized, 'an Authorization: Bearer token is required', challenge);
    const offered = digest(match[1]);
    let ok = false;
    for (const known of this.tokenDigests) ok = timingSafeEqual(offered, known) || ok;
    if (!ok) throw new HttpFailure(401, BridgeErrorUri.unauthorized, 'the bearer token is not valid', challenge);
  }

  private checkSignature(header: string | string[] | undefined, raw: Buffer, secret: string): void {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(typeof header === 'string' ? header.trim() : '');
    if (match === null) throw new HttpFailure(401, BridgeErrorUri.badSignature, `an ${SIGNATURE_HEADER} header "sha256=<hex>" is required`);
    const expected = createHmac('sha256', secret).update(raw).digest();
    if (!timingSafeEqual(Buffer.from(match[1], 'hex'), expected)) {
      throw new HttpFailure(401, BridgeErrorUri.badSignature, 'the body signature does not match');
    }
  }

  private tooLarge(): HttpFailure {
    return new HttpFailure(413, BridgeErrorUri.payloadTooLarge, `the request body exceeds ${this.maxBodySize} bytes`, { Connection: 'close' });
  }

  private readBody(request: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > this.maxBodySize) {
          cleanup();
          request.pause();
          reject(this.tooLarge());
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(Buffer.concat(chunks));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const cleanup = (): void => {
        request.off('data', onData);
        request.off('end', onEnd);
        request.off('error', onError);
      };
      request.on('data', onData);
      request.on('end', onEnd);
      request.on('error', onError);
    });
  }

  private async perform(endpoint: BridgeEndpoint, body: Dict): Promise<Dict> {
    const uriKey = endpoint === 'publish' ? 'topic' : 'procedure';
    const uri = body[uriKey];
    if (typeof uri !== 'string') throw new HttpFailure(400, BridgeErrorUri.badRequest, `"${uriKey}" must be a string`);
    const args = body.args ?? [];
    const kwargs = body.kwargs ?? {};
    const options = body.options ?? {};
    if (!Array.isArray(args)) throw new HttpFailure(400, BridgeErrorUri.badRequest, '"args" must be a list');
    if (!isDict(kwargs)) throw new HttpFailure(400, BridgeErrorUri.badRequest, '"kwargs" must be an object');
    if (!isDict(options)) throw new HttpFailure(400, BridgeErrorUri.badRequest, '"options" must be an object');
    // The bridge answers once: progressive results cannot be relayed over one HTTP response.
    const { receive_progress: _receiveProgress, progress: _progress, ...wanted } = options;
    const message: Publish | Call =
      endpoint === 'publish'
        ? { type: MessageType.PUBLISH, request: 1, options: { ...wanted, acknowledge: true }, topic: uri, args, kwargs }
        : { type: MessageType.CALL, request: 1, options: this.withTimeout(wanted), procedure: uri, args, kwargs };
    try {
      checkOptions(message, endpoint === 'publish' ? 'PUBLISH' : 'CALL');
    } catch (error) {
      if (error instanceof ProtocolViolation) throw new HttpFailure(400, BridgeErrorUri.badRequest, error.message);
      throw error;
    }
    if (this.host.isClosing()) throw new HttpFailure(503, BridgeErrorUri.unavailable, 'the router is shutting down');
    const session = this.acquire();
    try {
      if (message.type === MessageType.PUBLISH) {
        const id = await session.publish(uri, args as Args, kwargs, message.options);
        return { id };
      }
      const result = await session.call(uri, args as Args, kwargs, message.options);
      return { args: result.args, kwargs: result.kwargs };
    } finally {
      this.release();
    }
  }

  private withTimeout(options: Dict): Dict {
    if (options.timeout !== undefined || this.callTimeoutMs === 0) return options;
    return { ...options, timeout: this.callTimeoutMs };
  }

  private acquire(): LocalSession {
    if (this.session === undefined || !this.session.isOpen()) {
      this.session = this.host.openSession(this.config.realm, { authid: 'http-bridge', authrole: this.authrole });
    }
    this.users++;
    return this.session;
  }

  private release(): void {
    this.users--;
    if (this.users > 0) return;
    this.session?.close();
    this.session = undefined;
  }

  /** Answers a failure; returns the HTTP status sent. */
  private fail(response: ServerResponse, error: unknown, endpoint: BridgeEndpoint): number {
    if (error instanceof HttpFailure) {
      sendJson(response, error.status, { error: error.uri, args: [error.message], kwargs: {} }, error.headers);
      return error.status;
    }
    if (error instanceof WampError) {
      const status = statusForWampError(error.uri);
      this.host.metrics?.countError(error.uri);
      sendJson(response, status, { error: error.uri, args: error.args ?? [error.message], kwargs: error.kwargs ?? {} });
      return status;
    }
    this.host.logger.error({ err: error, endpoint }, 'HTTP bridge request failed');
    sendJson(response, 500, { error: 'sprocket.error.internal', args: ['internal router error'], kwargs: {} });
    return 500;
  }
}
