// Authentication policy of one realm: which methods it accepts (and which a listener allows),
// the choice among the client's HELLO.Details.authmethods (the client's order; the first one
// allowed is used), the failed-attempt limit, the role check and the role's authextra for
// WELCOME. The methods themselves live in one file each (anonymous.ts ... cryptosign.ts).
import type { Dict } from '../../realms/protocol/messages.js';
import { ErrorUri } from '../../realms/protocol/uris.js';
import { WampError } from '../../realms/protocol/errors.js';
import type { Realm } from '../../realms/realm.js';
import type { RealmRegistry } from '../../realms/realm-registry.js';
import {
  AuthErrorUri,
  failed,
  isDict,
  isPromise,
  type AuthOutcome,
  type AuthRequest,
  type AuthStep,
  type Authenticator,
  type Refused,
} from './authenticator.js';
import { AnonymousAuthenticator } from './anonymous.js';
import { TicketAuthenticator } from './ticket.js';
import { CraAuthenticator } from './wampcra.js';
import { ScramAuthenticator } from './scram.js';
import { CryptosignAuthenticator } from './cryptosign.js';
import { DynamicAuthenticator, type FailureLog, type RealmCall } from './dynamic.js';
import { RATE_LIMITED_TEXT, RateLimiter, type Attempt } from './rate-limit.js';
import { mockKey } from './timing-safe.js';
import { ANONYMOUS_ONLY, AUTH_DEFAULTS, AUTH_METHODS, METHOD_ALIASES, type AuthMethod, type RealmAuthConfig } from './config.js';

/** The little of a logger authentication needs (pino's Logger satisfies it). Never given secrets. */
export interface AuthLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What the session tier tells the policy about a HELLO. */
export interface HelloContext {
  /** HELLO.Details. */
  details: Dict;
  sessionId: number;
  /** Session transport details (`{type, serializer, peer}`), passed to dynamic authenticators. */
  transport: Dict;
  /** The client's address (IP, or the X-Forwarded-For client behind a trusted proxy). */
  address: string;
  /** The listener's `auth.methods`, when it restricts them. */
  listenerMethods?: readonly string[];
}

/** A HELLO the policy can start on, or the ABORT that refuses it. */
export type Begun = { ok: true; method: string; outcome: AuthOutcome } | { ok: false; refusal: Refused };

function isMethod(name: string): name is AuthMethod {
  return (AUTH_METHODS as readonly string[]).includes(name);
}

export class RealmAuth {
  readonly challengeTimeoutMs: number;
  private readonly methods = new Map<AuthMethod, Authenticator>();
  private readonly limiter: RateLimiter;

  constructor(
    private readonly realm: Realm,
    config: RealmAuthConfig,
    call: RealmCall,
    private readonly logger: AuthLogger,
  ) {
    this.challengeTimeoutMs = config.challengeTimeoutMs ?? AUTH_DEFAULTS.challengeTimeoutMs;
    this.limiter = new RateLimiter(config.rateLimit);
    const methods = config.methods;
    const log: FailureLog = (fields, message) => logger.warn({ realm: realm.name, ...fields }, message);
    const dynamic = (name: 'ticket' | 'wampcra' | 'wamp-scram' | 'cryptosign'): DynamicAuthenticator | undefined => {
      const authenticator = methods[name]?.authenticator;
      return authenticator === undefined ? undefined : new DynamicAuthenticator(authenticator, call, log);
    };
    const key = mockKey(realm.name, secretMaterial(config));
    if (methods.anonymous !== undefined) this.methods.set('anonymous', new AnonymousAuthenticator(methods.anonymous));
    if (methods.ticket !== undefined) this.methods.set('ticket', new TicketAuthenticator(methods.ticket, dynamic('ticket')));
    if (methods.wampcra !== undefined) this.methods.set('wampcra', new CraAuthenticator(methods.wampcra, dynamic('wampcra'), key));
    if (methods['wamp-scram'] !== undefined) this.methods.set('wamp-scram', new ScramAuthenticator(methods['wamp-scram'], dynamic('wamp-scram'), key));
    if (methods.cryptosign !== undefined) this.methods.set('cryptosign', new CryptosignAuthenticator(methods.cryptosign, dynamic('cryptosign')));
  }

  /** Picks the method and runs its first step (WELCOME, CHALLENGE or ABORT). */
  begin(context: HelloContext): Begun {
    const chosen = this.choose(context.details.authmethods, context.listenerMethods);
    if ('kind' in chosen) return { ok: false, refusal: chosen };
    const authextra = isDict(context.details.authextra) ? context.details.authextra : {};
    const authid = typeof context.details.authid === 'string' && context.details.authid !== '' ? context.details.authid : undefined;
    const request: AuthRequest = {
      realm: this.realm.name,
      method: chosen.method,
      spelling: chosen.spelling,
      authid,
      authextra,
      sessionId: context.sessionId,
      transport: context.transport,
    };
    const attempt: Attempt = {
      authid: authid ?? (typeof authextra.pubkey === 'string' ? authextra.pubkey.toLowerCase() : undefined),
      address: context.address,
    };
    if (chosen.method !== 'anonymous' && this.limiter.blocked(attempt)) {
      this.logger.info({ realm: this.realm.name, authid: attempt.authid, address: attempt.address, authmethod: chosen.method }, 'authentication refused: failed-attempt limit');
      return { ok: false, refusal: { kind: 'abort', reason: AuthErrorUri.authenticationDenied, message: RATE_LIMITED_TEXT } };
    }
    const authenticator = this.methods.get(chosen.method as AuthMethod);
    if (authenticator === undefined) return { ok: false, refusal: failed('internal error: no authenticator') };
    return { ok: true, method: chosen.spelling, outcome: this.guard(() => authenticator.start(request), request, attempt) };
  }

  /** No AUTHENTICATE in time: a failed attempt. */
  timedOut(context: HelloContext): Refused {
    const authid = typeof context.details.authid === 'string' ? context.details.authid : undefined;
    this.limiter.failed({ authid, address: context.address });
    return { kind: 'abort', reason: AuthErrorUri.timeout, message: `no AUTHENTICATE within ${this.challengeTimeoutMs} ms of CHALLENGE` };
  }

  /** The methods this realm accepts on a listener, in a stable order (for ABORT texts). */
  accepted(listenerMethods?: readonly string[]): string[] {
    return AUTH_METHODS.filter((method) => this.methods.has(method) && (listenerMethods === undefined || listenerMethods.includes(method)));
  }

  // spec: advanced/authentication.md — the client lists methods in its order of preference.
  private choose(offered: unknown, listenerMethods?: readonly string[]): { method: AuthMethod; spelling: string } | Refused {
    if (offered !== undefined && offered !== null && (!Array.isArray(offered) || !offered.every((item) => typeof item === 'string'))) {
      return { kind: 'abort', reason: ErrorUri.protocolViolation, message: 'HELLO.Details.authmethods must be a list of strings' };
    }
    const list = (offered ?? []) as string[];
    const accepted = this.accepted(listenerMethods);
    for (const spelling of list) {
      const method = METHOD_ALIASES[spelling] ?? spelling;
      if (isMethod(method) && accepted.includes(method)) return { method, spelling };
    }
    const accepts = accepted.length > 0 ? accepted.join(', ') : 'no method on this transport';
    if (list.length === 0) {
      if (accepted.includes('anonymous')) return { method: 'anonymous', spelling: 'anonymous' };
      return { kind: 'abort', reason: AuthErrorUri.authenticationRequired, message: `realm "${this.realm.name}" requires authentication; it accepts: ${accepts}` };
    }
    if (list.every((method) => method === 'anonymous')) {
      return { kind: 'abort', reason: AuthErrorUri.authenticationRequired, message: `realm "${this.realm.name}" does not admit anonymous sessions; it accepts: ${accepts}` };
    }
    return {
      kind: 'abort',
      reason: AuthErrorUri.noMatchingAuthMethod,
      message: `none of the offered authmethods ${JSON.stringify(list)} is accepted in realm "${this.realm.name}"; it accepts: ${accepts}`,
    };
  }

  /** Runs a step and follows it: counts failed attempts, checks the role, adds the role's authextra. */
  private guard(run: () => AuthOutcome, request: AuthRequest, attempt: Attempt): AuthOutcome {
    let outcome: AuthOutcome;
    try {
      outcome = run();
    } catch (error) {
      return this.bug(error, request);
    }
    if (!isPromise(outcome)) return this.settle(outcome, request, attempt);
    return outcome.then(
      (step) => this.settle(step, request, attempt),
      (error: unknown) => this.bug(error, request),
    );
  }

  private settle(step: AuthStep, request: AuthRequest, attempt: Attempt): AuthStep {
    switch (step.kind) {
      case 'abort':
        if (step.failedAttempt === true) {
          this.limiter.failed(attempt);
          this.logger.info({ realm: request.realm, authmethod: request.method, authid: request.authid, address: attempt.address }, 'authentication denied');
        }
        return step;
      case 'challenge':
        return { kind: 'challenge', extra: step.extra, verify: (signature, extra) => this.guard(() => step.verify(signature, extra), request, attempt) };
      case 'welcome': {
        // spec: advanced/uris.md — wamp.error.no_such_role for a role the realm does not have.
        if (!this.realm.authorizer.hasRole(step.authrole)) {
          this.logger.warn({ realm: request.realm, authmethod: request.method, authid: step.authid, authrole: step.authrole }, 'authenticated to a role that does not exist');
          return { kind: 'abort', reason: AuthErrorUri.noSuchRole, message: `no role "${step.authrole}" in realm "${request.realm}"` };
        }
        const roleExtra = this.realm.authorizer.authextraOf(step.authrole);
        const authextra = roleExtra === undefined && step.authextra === undefined ? undefined : { ...roleExtra, ...step.authextra };
        return { ...step, authextra };
      }
    }
  }

  private bug(error: unknown, request: AuthRequest): Refused {
    this.logger.error({ err: error instanceof WampError ? error.uri : error, realm: request.realm, authmethod: request.method }, 'authenticator error');
    return failed('authentication could not be completed (authenticator error)');
  }
}

/** Static secrets of a realm, for the mock key (never logged). */
function secretMaterial(config: RealmAuthConfig): string[] {
  const methods = config.methods;
  return [
    ...(methods.ticket?.principals ?? []).map((p) => `t:${p.authid}:${p.ticket}`),
    ...(methods.wampcra?.principals ?? []).map((p) => `c:${p.authid}:${p.secret}`),
    ...(methods['wamp-scram']?.principals ?? []).map((p) => `s:${p.authid}:${p.storedKey ?? p.password ?? ''}`),
  ];
}

/** The authentication policies of all realms, by realm name. */
export class AuthService {
  private readonly policies = new Map<string, RealmAuth>();

  constructor(realms: Array<{ name: string; auth?: RealmAuthConfig }>, registry: RealmRegistry, logger: AuthLogger) {
    const call: RealmCall = (name, procedure, args, kwargs, timeoutMs) => {
      const realm = registry.get(name);
      if (realm === undefined) return Promise.reject(new WampError(ErrorUri.noSuchRealm, `no realm "${name}"`));
      return realm.call(procedure, args, kwargs, timeoutMs);
    };
    for (const config of realms) {
      const realm = registry.get(config.name);
      if (realm !== undefined) this.policies.set(config.name, new RealmAuth(realm, config.auth ?? ANONYMOUS_ONLY, call, logger));
    }
  }

  /** The realm's policy; a realm added without config (embedding) admits anonymous sessions. */
  get(realm: Realm): RealmAuth {
    let policy = this.policies.get(realm.name);
    if (policy === undefined) {
      policy = new RealmAuth(realm, ANONYMOUS_ONLY, () => Promise.reject(new WampError(ErrorUri.noSuchProcedure, 'no authenticator')), {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      });
      this.policies.set(realm.name, policy);
    }
    return policy;
  }
}
