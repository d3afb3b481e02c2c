// Dynamic authentication: a procedure registered by a backend session decides (README, "Authentication and authorization").
// The router calls it as its own trusted internal caller through the realm's dealer with
//   (realm, authid, details)   details: {authmethod, authextra, session, transport, ticket?}
// and it returns {role, authid?, extra?, ...what the method verifies} (a bare string is taken as
// the role), or raises. Raising wamp.error.authentication_denied (or no_such_principal,
// not_authorized) denies; wamp.error.no_such_role is passed on; anything else, a timeout or a
// malformed answer fails the authentication (wamp.error.authentication_failed).
import type { Dict } from '../../realms/protocol/messages.js';
import { WampError } from '../../realms/protocol/errors.js';
import type { InternalResult } from '../../realms/authz/internal-caller.js';
import { AuthErrorUri, denied, failed, isDict, type AuthRequest, type Refused } from './authenticator.js';
import { AUTH_DEFAULTS, type DynamicAuthenticatorConfig } from './config.js';

/** Calls a procedure in a realm as the router's trusted internal caller. */
export type RealmCall = (realm: string, procedure: string, args: unknown[], kwargs: Dict, timeoutMs: number) => Promise<InternalResult>;

/** What a dynamic authenticator vouched for. */
export interface DynamicPrincipal {
  kind: 'found';
  role: string;
  authid: string | undefined;
  extra: Dict | undefined;
  /** The whole answer, for the method's own fields (secret, pubkey, storedKey ...). */
  answer: Dict;
}

export type DynamicAnswer = DynamicPrincipal | Refused;

/** Errors a dynamic authenticator raises to say "no": all become the one denial. */
const DENIAL_URIS = new Set(['wamp.error.authentication_denied', 'wamp.error.no_such_principal', 'wamp.error.not_authorized', 'wamp.error.authorization_denied']);

/** Something to log about a failure, never a secret. */
export type FailureLog = (fields: Dict, message: string) => void;

export class DynamicAuthenticator {
  constructor(
    private readonly config: DynamicAuthenticatorConfig,
    private readonly call: RealmCall,
    private readonly log: FailureLog,
  ) {}

  get procedure(): string {
    return this.config.procedure;
  }

  /** Asks the procedure about `request`; `details` adds method fields (the ticket). */
  async ask(request: AuthRequest, details: Dict = {}): Promise<DynamicAnswer> {
    const realm = this.config.realm ?? request.realm;
    const args = [
      request.realm,
      request.authid ?? null,
      { authmethod: request.method, authextra: request.authextra, session: request.sessionId, transport: request.transport, ...details },
    ];
    let result: InternalResult;
    try {
      result = await this.call(realm, this.config.procedure, args, {}, this.config.timeoutMs ?? AUTH_DEFAULTS.dynamicTimeoutMs);
    } catch (error) {
      if (error instanceof WampError) {
        if (DENIAL_URIS.has(error.uri)) return denied();
        if (error.uri === AuthErrorUri.noSuchRole) return { kind: 'abort', reason: AuthErrorUri.noSuchRole, message: 'the authenticator assigned a role that does not exist' };
        this.log({ procedure: this.config.procedure, error: error.uri }, 'dynamic authenticator failed');
        return failed(`authentication could not be completed: the authenticator failed (${error.uri})`);
      }
      this.log({ procedure: this.config.procedure, error: String(error) }, 'dynamic authenticator failed');
      return failed('authentication could not be completed: the authenticator failed');
    }
    const value = result.args[0];
    const answer: Dict | undefined = typeof value === 'string' ? { role: value } : isDict(value) ? value : undefined;
    if (answer === undefined || typeof answer.role !== 'string' || answer.role === '') {
      return this.malformed('the answer must be {role, authid?, extra?} or a role string');
    }
    if (answer.authid !== undefined && answer.authid !== null && (typeof answer.authid !== 'string' || answer.authid === '')) {
      return this.malformed('authid must be a non-empty string');
    }
    if (answer.extra !== undefined && answer.extra !== null && !isDict(answer.extra)) return this.malformed('extra must be a dictionary');
    return {
      kind: 'found',
      role: answer.role,
      authid: typeof answer.authid === 'string' ? answer.authid : undefined,
      extra: isDict(answer.extra) ? answer.extra : undefined,
      answer,
    };
  }

  /** A field the method needs is missing or of the wrong type. */
  malformed(what: string): Refused {
    this.log({ procedure: this.config.procedure, problem: what }, 'dynamic authenticator returned a malformed answer');
    return failed(`authentication could not be completed: the authenticator's answer is malformed (${what})`);
  }
}
