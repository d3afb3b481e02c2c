// Typed errors with their wire answer (DESIGN.md, habit 4).
import { ErrorUri } from './uris.js';
import type { Args, Dict } from './messages.js';

/**
 * A request that fails without harming the session: answered with
 * [ERROR, type, request, {}, uri, [message]] and the session goes on.
 */
export class WampError extends Error {
  constructor(
    readonly uri: string,
    message: string,
    readonly args?: Args,
    readonly kwargs?: Dict,
  ) {
    super(message);
    this.name = 'WampError';
  }
}

/**
 * A message that breaks the protocol: answered with ABORT wamp.error.protocol_violation,
 * a `message` detail that says what was wrong, and the transport is closed.
 */
export class ProtocolViolation extends Error {
  readonly uri = ErrorUri.protocolViolation;

  constructor(message: string) {
    super(message);
    this.name = 'ProtocolViolation';
  }
}
