// What the core knows of a session. router/session implements it for network sessions and
// in-process sessions alike; nothing under realms/ knows about sockets or serializers.
import type { Dict, Message } from './protocol/messages.js';

export interface RealmMember {
  /** The WAMP session id (global scope, random). */
  readonly id: number;
  readonly realm: string;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  /** Who vouched for the identity: `static`, `dynamic`, or `router` for internal sessions. */
  readonly authprovider: string;
  /** What carries the session, for the meta API: `{ type: "websocket", serializer, peer }`. */
  readonly transport: Dict;
  /** HELLO.Details.roles as the client announced them. */
  readonly roles: Dict;
  /** Router-internal sessions may register and publish under `wamp.*`. */
  readonly trusted: boolean;
  /** The router's own sessions (meta API): not counted in stats, no meta events about them. */
  readonly internal?: boolean;
  /** Delivers a message. The same object may be sent to many members: never mutate it. */
  send(message: Message): void;
  /** Ends the session with ABORT (protocol violation) or GOODBYE, then closes the transport. */
  close(kind: 'abort' | 'goodbye', reason: string, message: string): void;
  /** False once the session is closing or closed; nothing more should be sent. */
  isOpen(): boolean;
}
