// Real WAMP clients for integration tests: AutobahnJS and wampy, over each serializer.
import autobahn from 'autobahn';
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';

export type SerializerName = 'json' | 'msgpack' | 'cbor';
export const SERIALIZER_NAMES: SerializerName[] = ['json', 'msgpack', 'cbor'];

// The autobahn package ships no types; this is the part the tests use.
export interface AutobahnSession {
  id: number;
  isOpen: boolean;
  subscribe(topic: string, handler: (args: unknown[], kwargs: Record<string, unknown>, details: Record<string, unknown>) => void, options?: Record<string, unknown>): Promise<{ id: number; unsubscribe?: unknown }>;
  unsubscribe(subscription: unknown): Promise<unknown>;
  publish(topic: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<{ id: number }> | undefined;
  register(procedure: string, handler: (args: unknown[], kwargs: Record<string, unknown>, details: Record<string, unknown>) => unknown, options?: Record<string, unknown>): Promise<{ id: number }>;
  unregister(registration: unknown): Promise<unknown>;
  call(procedure: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
  features?: unknown;
}

export interface AutobahnClient {
  session: AutobahnSession;
  details: Record<string, unknown>;
  connection: { close(): void; isOpen?: boolean };
  /** Resolves when the connection has closed; with the close reason and details. */
  closed: Promise<{ reason: string; details: Record<string, unknown> }>;
  close(): Promise<void>;
}

interface AutobahnModule {
  Connection: new (options: Record<string, unknown>) => {
    onopen: (session: AutobahnSession, details: Record<string, unknown>) => void;
    onclose: (reason: string, details: Record<string, unknown>) => boolean;
    open(): void;
    close(): void;
  };
  serializer: Record<string, new () => unknown>;
  Error: new (error: string, args?: unknown[], kwargs?: Record<string, unknown>) => Error;
  Result: new (args?: unknown[], kwargs?: Record<string, unknown>) => unknown;
}

export const ab = autobahn as unknown as AutobahnModule;

function autobahnSerializer(name: SerializerName): unknown {
  switch (name) {
    case 'json':
      return new ab.serializer.JSONSerializer();
    case 'msgpack':
      return new ab.serializer.MsgpackSerializer();
    case 'cbor':
      return new ab.serializer.CBORSerializer();
  }
}

/** Opens an AutobahnJS session; rejects if the router refuses or closes before WELCOME. */
export function connectAutobahn(url: string, serializer: SerializerName, realm = 'realm1', extra: Record<string, unknown> = {}): Promise<AutobahnClient> {
  return new Promise((resolve, reject) => {
    const connection = new ab.Connection({ url, realm, serializers: [autobahnSerializer(serializer)], max_retries: 0, ...extra });
    let resolveClosed: (value: { reason: string; details: Record<string, unknown> }) => void = () => undefined;
    const closed = new Promise<{ reason: string; details: Record<string, unknown> }>((r) => (resolveClosed = r));
    let opened = false;
    connection.onopen = (session, details) => {
      opened = true;
      resolve({
        session,
        details,
        connection,
        closed,
        close: async () => {
          try {
            connection.close();
          } catch {
            // already closed
          }
          await closed;
        },
      });
    };
    connection.onclose = (reason, details) => {
      resolveClosed({ reason, details });
      if (!opened) reject(Object.assign(new Error(`autobahn could not open: ${reason} ${JSON.stringify(details)}`), { reason, details }));
      return true; // no reconnect
    };
    connection.open();
  });
}

function wampySerializer(name: SerializerName): unknown {
  switch (name) {
    case 'json':
      return new JsonSerializer();
    case 'msgpack':
      return new MsgpackSerializer();
    case 'cbor':
      return new CborSerializer();
  }
}

/** Opens a wampy session over `ws` (wampy needs a WebSocket class in Node). */
export async function connectWampy(url: string, serializer: SerializerName, realm = 'realm1'): Promise<Wampy> {
  const client = new Wampy(url, {
    realm,
    ws: WebSocket,
    serializer: wampySerializer(serializer),
    autoReconnect: false,
  } as unknown as ConstructorParameters<typeof Wampy>[1]);
  await client.connect();
  return client;
}
