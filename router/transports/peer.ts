import type { Frame, Serializer } from '../serializers/serializer.js';

/**
 * One client connection as a session sees it: frames in, frames out. Transports know
 * framing, not WAMP semantics.
 */
export interface Peer {
  /** `websocket` now; `rawsocket` when that transport lands. */
  readonly kind: string;
  readonly serializer: Serializer;
  /** The remote address, for logs and session details. */
  readonly remoteAddress: string;
  /** The X-Forwarded-For request header, if any (issue 5: used only behind a `trustProxy` listener). */
  readonly forwardedFor?: string;
  send(frame: Frame): void;
  /** Flushes what was sent, then closes. */
  close(code: number, reason: string): void;
  /** Bytes queued for the socket but not yet written. */
  bufferedBytes(): number;
}

/** What a transport calls on the session it feeds. */
export interface PeerHandler {
  receive(frame: Frame, binary: boolean): void;
  transportClosed(): void;
}
