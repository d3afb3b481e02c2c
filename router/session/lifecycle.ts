// The session tier's state table (spec: basic/sessions.md, state chart): which client
// messages each state accepts. Anything else is a protocol violation naming the state.
import { MessageType, messageTypeName } from '../../realms/protocol/message-type.js';
import { REALM_MESSAGE_TYPES } from '../../realms/dispatch.js';

/** `authenticating`: HELLO accepted, authentication under way (CHALLENGE sent, waiting for AUTHENTICATE). */
export type SessionState = 'awaitingHello' | 'authenticating' | 'established' | 'closing' | 'closed';

/** Types only a router sends; a client sending one breaks the protocol whatever the state. */
const ROUTER_ONLY = new Set<number>([
  MessageType.WELCOME,
  MessageType.CHALLENGE,
  MessageType.PUBLISHED,
  MessageType.SUBSCRIBED,
  MessageType.UNSUBSCRIBED,
  MessageType.EVENT,
  MessageType.RESULT,
  MessageType.REGISTERED,
  MessageType.UNREGISTERED,
  MessageType.INVOCATION,
  MessageType.INTERRUPT,
]);

/** Why `type` is not acceptable in `state`, or undefined when it is. */
export function rejectReason(state: SessionState, type: number): string | undefined {
  if (state === 'closing' || state === 'closed') return undefined; // the session ignores input then
  const name = messageTypeName(type) ?? String(type);
  if (ROUTER_ONLY.has(type)) return `${name} is a router-to-client message; a client must not send it`;
  switch (state) {
    case 'awaitingHello':
      if (type === MessageType.HELLO || type === MessageType.ABORT) return undefined;
      return `received ${name} before HELLO; HELLO must be the first message`;
    // spec: advanced/authentication.md — after HELLO the client may only AUTHENTICATE (or ABORT).
    case 'authenticating':
      if (type === MessageType.AUTHENTICATE || type === MessageType.ABORT) return undefined;
      if (type === MessageType.HELLO) return 'received HELLO while authenticating; HELLO was already accepted';
      return `received ${name} while authenticating; only AUTHENTICATE (or ABORT) may follow HELLO until WELCOME`;
    case 'established':
      if (type === MessageType.HELLO) return 'received HELLO message after session was established';
      if (type === MessageType.AUTHENTICATE) return 'received AUTHENTICATE outside an authentication exchange';
      if (type === MessageType.GOODBYE || type === MessageType.ABORT || REALM_MESSAGE_TYPES.has(type)) return undefined;
      return `${name} is not allowed in an established session`;
  }
}
