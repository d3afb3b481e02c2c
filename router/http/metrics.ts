// Prometheus metrics (prom-client, one Registry per router so routers in one process never
// mix). Traffic is counted at the transport edge: an InstrumentedPeer sits between a transport
// and its session and counts frames, bytes and message types by peeking at the encoded frame
// (frame-peek.ts) — no second decode, no per-message allocation or closure. Gauges (sessions,
// calls in flight, subscriptions, registrations) are read from the realms at scrape time.
// In-process sessions have no transport: their messages are not counted (their sessions are).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MessageType, messageTypeName } from '../../realms/protocol/message-type.js';
import type { Realm } from '../../realms/realm.js';
import type { Frame } from '../serializers/serializer.js';
import type { Peer, PeerHandler } from '../transports/peer.js';
import { peekInts } from './frame-peek.js';
import { sendText } from './respond.js';

/** What the metrics read at scrape time. */
export interface MetricsSource {
  realms(): Iterable<Realm>;
}

/**
 * A session as the edge sees it: it handles frames, knows its realm once joined ("" before) and
 * can be ended with ABORT (what the RawSocket transport needs beyond PeerHandler).
 */
export interface EdgeHandler extends PeerHandler {
  readonly realm: string;
  close(kind: 'abort', reason: string, message: string): void;
}

/** Error URIs get their own label value up to this many; later new ones count as "other". */
export const MAX_ERROR_URI_LABELS = 100;
/** CALLs awaiting their first RESULT/ERROR tracked per session for the latency histogram. */
export const MAX_TRACKED_CALLS_PER_SESSION = 10_000;
/** Buckets of sprocket_call_duration_seconds. */
export const CALL_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const TYPE_SLOTS = 128; // WAMP type codes are below 128; slot 0 counts frames with no readable type
const OTHER_URI = 'other';

interface TransportBytes {
  in: number;
  out: number;
}

export class RouterMetrics {
  readonly registry = new Registry();
  private readonly messagesIn = new Float64Array(TYPE_SLOTS);
  private readonly messagesOut = new Float64Array(TYPE_SLOTS);
  private readonly transportBytes = new Map<string, TransportBytes>();
  private readonly eventsByRealm = new Map<string, number>();
  private readonly errorsByUri = new Map<string, number>();
  private readonly seenSessionSeries = new Set<string>();
  private readonly callDuration: Histogram<'realm'>;
  private readonly bridgeRequests: Counter<'endpoint' | 'status'>;
  // One-entry cache: the broker sends the same EVENT frame to every subscriber (fan-out), so
  // type and size are worked out once per frame, not once per recipient.
  private lastFrame: Frame | undefined;
  private lastSize = 0;
  private lastCount = 0;
  private readonly lastHead = [0, 0, 0];
  private readonly head = [0, 0, 0];

  constructor(private readonly source: MetricsSource) {
    const registers = [this.registry];
    const metrics = this;
    new Gauge({
      name: 'sprocket_sessions',
      help: 'Established sessions by realm and transport (websocket, rawsocket, local)',
      labelNames: ['realm', 'transport'] as const,
      registers,
      collect: function (this: Gauge<'realm' | 'transport'>) {
        metrics.collectSessions(this);
      },
    });
    const perRealm = (name: string, help: string, read: (realm: Realm) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['realm'] as const,
        registers,
        collect: function (this: Gauge<'realm'>) {
          this.reset();
          for (const realm of metrics.source.realms()) this.set({ realm: realm.name }, read(realm));
        },
      });
    };
    perRealm('sprocket_calls_in_flight', 'Calls routed to a callee and not yet answered', (realm) => realm.stats().invocations);
    perRealm('sprocket_subscriptions', 'Subscriptions held by at least one client', (realm) => realm.stats().subscriptions);
    perRealm('sprocket_registrations', 'Registrations held by at least one client', (realm) => realm.stats().registrations);
    const byType = (name: string, help: string, counts: Float64Array): void => {
      new Counter({
        name,
        help,
        labelNames: ['type'] as const,
        registers,
        collect: function (this: Counter<'type'>) {
          this.reset();
          for (let code = 0; code < TYPE_SLOTS; code++) {
            if (counts[code] > 0) this.inc({ type: code === 0 ? 'unknown' : (messageTypeName(code) ?? 'unknown') }, counts[code]);
          }
        },
      });
    };
    byType('sprocket_messages_in_total', 'WAMP messages received over transports, by type', this.messagesIn);
    byType('sprocket_messages_out_total', 'WAMP messages sent over transports, by type', this.messagesOut);
    const bytes = (name: string, help: string, pick: (entry: TransportBytes) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['transport'] as const,
        registers,
        collect: function (this: Counter<'transport'>) {
          this.reset();
          for (const [transport, entry] of metrics.transportBytes) this.inc({ transport }, pick(entry));
        },
      });
    };
    bytes('sprocket_bytes_in_total', 'Message payload bytes received over transports', (entry) => entry.in);
    bytes('sprocket_bytes_out_total', 'Message payload bytes sent over transports', (entry) => entry.out);
    new Counter({
      name: 'sprocket_events_delivered_total',
      help: 'EVENT messages sent to subscribers over transports, by realm',
      labelNames: ['realm'] as const,
      registers,
      collect: function (this: Counter<'realm'>) {
        this.reset();
        for (const [realm, count] of metrics.eventsByRealm) this.inc({ realm }, count);
      },
    });
    new Counter({
      name: 'sprocket_errors_total',
      help: `ERROR and ABORT messages sent to clients and errors answered by the HTTP bridge, by URI (first ${MAX_ERROR_URI_LABELS} URIs, then "${OTHER_URI}")`,
      labelNames: ['uri'] as const,
      registers,
      collect: function (this: Counter<'uri'>) {
        this.reset();
        for (const [uri, count] of metrics.errorsByUri) this.inc({ uri }, count);
      },
    });
    this.callDuration = new Histogram({
      name: 'sprocket_call_duration_seconds',
      help: 'Time from a CALL received to its first RESULT or ERROR sent, by realm',
      labelNames: ['realm'] as const,
      buckets: CALL_DURATION_BUCKETS,
      registers,
    });
    this.bridgeRequests = new Counter({
      name: 'sprocket_bridge_requests_total',
      help: 'HTTP bridge requests by endpoint and HTTP status',
      labelNames: ['endpoint', 'status'] as const,
      registers,
    });
  }

  /**
   * Wraps a new connection: `build` makes the session on a counting peer (outbound), and the
   * transport gets a counting handler (inbound) in front of the session.
   */
  instrument(peer: Peer, build: (peer: Peer) => EdgeHandler): EdgeHandler {
    let bytes = this.transportBytes.get(peer.kind);
    if (bytes === undefined) this.transportBytes.set(peer.kind, (bytes = { in: 0, out: 0 }));
    const instrumented = new InstrumentedPeer(peer, this, bytes);
    const session = build(instrumented);
    instrumented.session = session;
    return new CountingHandler(instrumented, session, this);
  }

  /** Counts an error URI answered outside the transports (the HTTP bridge). */
  countError(uri: string): void {
    const key = this.errorsByUri.has(uri) || this.errorsByUri.size < MAX_ERROR_URI_LABELS ? uri : OTHER_URI;
    this.errorsByUri.set(key, (this.errorsByUri.get(key) ?? 0) + 1);
  }

  countBridgeRequest(endpoint: string, status: number): void {
    this.bridgeRequests.inc({ endpoint, status: String(status) });
  }

  /** Serves GET /metrics. */
  async serve(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await this.registry.metrics();
    sendText(response, 200, body, this.registry.contentType);
  }

  // ── edge counting (InstrumentedPeer calls these) ─────────────────────────

  /** @internal An inbound frame. */
  received(peer: InstrumentedPeer, frame: Frame): void {
    const count = peekInts(frame, peer.serializer.name, this.head);
    const type = count > 0 && this.head[0] < TYPE_SLOTS ? this.head[0] : 0;
    this.messagesIn[type]++;
    peer.bytes.in += typeof frame === 'string' ? Buffer.byteLength(frame, 'utf8') : frame.byteLength;
    if (type === MessageType.CALL && count > 1) peer.callStarted(this.head[1]);
  }

  /** @internal An outbound frame. */
  sent(peer: InstrumentedPeer, frame: Frame): void {
    const head = this.lastHead;
    if (frame !== this.lastFrame) {
      this.lastCount = peekInts(frame, peer.serializer.name, head);
      this.lastSize = typeof frame === 'string' ? Buffer.byteLength(frame, 'utf8') : frame.byteLength;
      this.lastFrame = frame;
    }
    const count = this.lastCount;
    const type = count > 0 && head[0] < TYPE_SLOTS ? head[0] : 0;
    this.messagesOut[type]++;
    peer.bytes.out += this.lastSize;
    switch (type) {
      case MessageType.EVENT: {
        const realm = peer.realm;
        this.eventsByRealm.set(realm, (this.eventsByRealm.get(realm) ?? 0) + 1);
        return;
      }
      case MessageType.RESULT:
        if (count > 1) peer.callAnswered(head[1]);
        return;
      case MessageType.ERROR:
        if (count > 2 && head[1] === MessageType.CALL) peer.callAnswered(head[2]);
        this.countErrorFrame(peer, frame, 4);
        return;
      case MessageType.ABORT:
        this.countErrorFrame(peer, frame, 2);
        return;
    }
  }

  /** @internal */
  observeCall(realm: string, seconds: number): void {
    this.callDuration.observe({ realm }, seconds);
  }

  /** ERROR/ABORT are rare: decoding the frame for its URI is fine there. */
  private countErrorFrame(peer: InstrumentedPeer, frame: Frame, uriIndex: number): void {
    try {
      const list = peer.serializer.decode(frame);
      const uri = Array.isArray(list) ? list[uriIndex] : undefined;
      if (typeof uri === 'string') this.countError(uri);
    } catch {
      // our own frame: cannot happen; never let metrics break a send
    }
  }

  private collectSessions(gauge: Gauge<'realm' | 'transport'>): void {
    const counts = new Map<string, { realm: string; transport: string; count: number }>();
    for (const key of this.seenSessionSeries) {
      const [realm, transport] = JSON.parse(key) as [string, string];
      counts.set(key, { realm, transport, count: 0 });
    }
    for (const realm of this.source.realms()) {
      for (const member of realm.members.values()) {
        if (member.internal === true) continue;
        const transport = String(member.transport.type ?? 'unknown');
        const key = JSON.stringify([realm.name, transport]);
        const entry = counts.get(key);
        if (entry !== undefined) entry.count++;
        else counts.set(key, { realm: realm.name, transport, count: 1 });
      }
    }
    gauge.reset();
    for (const [key, { realm, transport, count }] of counts) {
      this.seenSessionSeries.add(key);
      gauge.set({ realm, transport }, count);
    }
  }
}

/** The Peer a session sends through: counts outbound frames, times calls. */
class InstrumentedPeer implements Peer {
  session: EdgeHandler | undefined;
  /** CALL request id → performance.now() when it arrived; created on the first CALL. */
  private calls: Map<number, number> | undefined;

  constructor(
    private readonly inner: Peer,
    private readonly metrics: RouterMetrics,
    readonly bytes: TransportBytes,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }
  get serializer(): Peer['serializer'] {
    return this.inner.serializer;
  }
  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  /** issue 5: X-Forwarded-For for trustProxy listeners (router/auth/client-address.ts). */
  get forwardedFor(): string | undefined {
    return this.inner.forwardedFor;
  }
  get realm(): string {
    return this.session?.realm ?? '';
  }

  send(frame: Frame): void {
    this.metrics.sent(this, frame);
    this.inner.send(frame);
  }

  close(code: number, reason: string): void {
    this.inner.close(code, reason);
  }

  bufferedBytes(): number {
    return this.inner.bufferedBytes();
  }

  callStarted(request: number): void {
    this.calls ??= new Map();
    // A progressive call invocation repeats the CALL: the first chunk starts the clock.
    if (!this.calls.has(request) && this.calls.size < MAX_TRACKED_CALLS_PER_SESSION) this.calls.set(request, performance.now());
  }

  callAnswered(request: number): void {
    const started = this.calls?.get(request);
    if (started === undefined) return;
    this.calls?.delete(request);
    this.metrics.observeCall(this.realm, (performance.now() - started) / 1000);
  }

  forgetCalls(): void {
    this.calls = undefined;
  }
}

/** What the transport feeds: counts inbound frames, then hands them to the session. */
class CountingHandler implements EdgeHandler {
  constructor(
    private readonly peer: InstrumentedPeer,
    private readonly session: EdgeHandler,
    private readonly metrics: RouterMetrics,
  ) {}

  get realm(): string {
    return this.session.realm;
  }

  receive(frame: Frame, binary: boolean): void {
    this.metrics.received(this.peer, frame);
    this.session.receive(frame, binary);
  }

  transportClosed(): void {
    this.peer.forgetCalls();
    this.session.transportClosed();
  }

  close(kind: 'abort', reason: string, message: string): void {
    this.session.close(kind, reason, message);
  }
}

export type { InstrumentedPeer };
