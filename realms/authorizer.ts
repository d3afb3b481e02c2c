// Authorization (spec: advanced/authorization.md): may this session call, register, publish or
// subscribe to this URI? One decision per request, made once in the realm dispatcher.
//
// - No roles configured (the zero-config realm): everything is allowed.
// - Roles configured: default deny. A session's authrole selects its role; the role's most
//   specific permission rule for the URI decides (the order of pattern-based registrations:
//   exact, then the longest prefix, then the wildcard with the longest literal runs). Static
//   decisions are synchronous and cached per (authrole, uri, action).
// - A role with an `authorizer` asks a procedure registered by a backend session (dynamic
//   authorizer) whenever no static rule of the role matched. That decision is asynchronous; the
//   dispatcher keeps the session's later messages waiting meanwhile (realms/dispatch.ts).
// - Trusted sessions (the router's own, embedding sessions opened with `trusted: true`) are
//   never asked.
import type { Dict } from './protocol/messages.js';
import { ErrorUri } from './protocol/uris.js';
import { WampError } from './protocol/errors.js';
import type { RealmMember } from './member.js';
import { UriMatcher, type MatchPolicy } from './uri-match/uri-matcher.js';
import type { InternalResult } from './authz/internal-caller.js';

/** What a message asks to do (the four actions of advanced/authorization.md). */
export type Action = 'publish' | 'subscribe' | 'call' | 'register';

export const ACTIONS: readonly Action[] = ['call', 'register', 'publish', 'subscribe'];

/** Error URIs of authorization (advanced/uris.md#authorization). */
export const AuthzErrorUri = {
  /** Sprocket answers a denied request with the Basic Profile's wamp.error.not_authorized. */
  notAuthorized: ErrorUri.notAuthorized,
  /** The dynamic authorizer failed (error, timeout, bad answer) and its fallback is deny. */
  authorizationFailed: 'wamp.error.authorization_failed',
} as const;

/** One permission rule of a role (realm config `roles[].permissions[]`). */
export interface PermissionRule {
  /** A URI, or a URI pattern for `prefix` / `wildcard`. `""` with `prefix` matches everything. */
  uri: string;
  /** Default `exact`. */
  match?: MatchPolicy;
  /** Actions this rule allows; an action left out (or false) is denied by this rule. */
  allow?: Partial<Record<Action, boolean>>;
  /** Disclose the caller to callees / the publisher to subscribers, whatever the client asked. */
  disclose?: { caller?: boolean; publisher?: boolean };
}

/** A dynamic authorizer: a procedure (session, uri, action, options) → bool | {allow, disclose, cache}. */
export interface DynamicAuthorizerConfig {
  procedure: string;
  /** How long to wait for its answer (default 2000 ms). */
  timeoutMs?: number;
  /**
   * What an error, a timeout or a malformed answer means: `deny` (default: the request gets
   * ERROR wamp.error.authorization_failed) or `allow`.
   */
  onError?: 'deny' | 'allow';
}

/** A role (realm config `roles[]`). */
export interface RoleConfig {
  name: string;
  permissions?: PermissionRule[];
  /** Asked when none of `permissions` matches the URI. */
  authorizer?: DynamicAuthorizerConfig;
  /** Sent in WELCOME.Details.authextra to sessions authenticated under this role. */
  authextra?: Dict;
}

/** An authorization decision. */
export interface Decision {
  allow: boolean;
  /** Disclose the caller (call) or the publisher (publish) to the receivers. */
  disclose: boolean;
  /** Set when the dynamic authorizer failed: the request gets wamp.error.authorization_failed. */
  failure?: string;
}

/** The extension point (DESIGN.md habit 7): the realm asks it once per request. */
export interface Authorizer {
  /** Synchronous for static rules; a Promise only when a dynamic authorizer must be asked. */
  authorize(member: RealmMember, uri: string, action: Action, options: Dict): Decision | Promise<Decision>;
  /**
   * True when `action` on `uri` is allowed by configuration for this member: a static rule that
   * allows it, a dynamic authorizer (which the dispatcher has already asked for this request),
   * or a trusted member. False in a realm without roles, where everything is allowed by default.
   * The meta API asks this before its privileged procedures (kill, remove_*).
   */
  grants(member: RealmMember, uri: string, action: Action): boolean;
  /** Whether roles are configured (default deny) or not (allow all). */
  readonly configured: boolean;
  /** Whether `role` exists (always true when no roles are configured). */
  hasRole(role: string): boolean;
  /** The role's authextra for WELCOME, if configured. */
  authextraOf(role: string): Dict | undefined;
  /** A member left: forget what was cached for it. */
  sessionLeft(member: RealmMember): void;
}

/** What the dynamic authorizer needs of the realm: a trusted internal caller. */
export interface AuthorizerRealm {
  readonly name: string;
  call(procedure: string, args: unknown[], kwargs: Dict, timeoutMs: number): Promise<InternalResult>;
}

export const ALLOW: Decision = Object.freeze({ allow: true, disclose: false });
export const DENY: Decision = Object.freeze({ allow: false, disclose: false });
const ALLOW_DISCLOSE: Decision = Object.freeze({ allow: true, disclose: true });

/** Default timeout of a dynamic authorizer call. */
export const DEFAULT_AUTHORIZER_TIMEOUT_MS = 2000;
/** Cached static decisions per realm; past it the cache starts over (memory stays bounded). */
export const MAX_CACHED_DECISIONS = 10_000;
/** Cached dynamic decisions per session (`cache: true` answers). */
export const MAX_CACHED_PER_SESSION = 1000;

const ACTION_INDEX: Record<Action, number> = { call: 0, register: 1, publish: 2, subscribe: 3 };

/** Text of the ERROR for a denied request: names the action and the URI. */
export function notAuthorized(member: RealmMember, action: Action, uri: string): WampError {
  const verb = action === 'publish' || action === 'subscribe' ? `${action} to` : action;
  return new WampError(AuthzErrorUri.notAuthorized, `session is not authorized to ${verb} "${uri}" (authrole "${member.authrole}")`);
}

/** Allows everything: the zero-config realm. */
export class AllowAll implements Authorizer {
  readonly configured = false;
  authorize(): Decision {
    return ALLOW;
  }
  grants(member: RealmMember): boolean {
    return member.trusted;
  }
  hasRole(): boolean {
    return true;
  }
  authextraOf(): Dict | undefined {
    return undefined;
  }
  sessionLeft(): void {}
}

interface CompiledRule {
  rule: PermissionRule;
  /** Decision per action index (call, register, publish, subscribe). */
  decisions: [Decision, Decision, Decision, Decision];
}

interface CompiledRole {
  config: RoleConfig;
  rules: UriMatcher<CompiledRule>;
}

function compileRule(rule: PermissionRule): CompiledRule {
  const decide = (action: Action): Decision => {
    if (rule.allow?.[action] !== true) return DENY;
    const disclose = (action === 'call' && rule.disclose?.caller === true) || (action === 'publish' && rule.disclose?.publisher === true);
    return disclose ? ALLOW_DISCLOSE : ALLOW;
  };
  return { rule, decisions: [decide('call'), decide('register'), decide('publish'), decide('subscribe')] };
}

/** Static role rules with a per-(authrole, uri, action) cache, plus dynamic authorizers per role. */
export class RoleAuthorizer implements Authorizer {
  readonly configured = true;
  private readonly roles = new Map<string, CompiledRole>();
  /** authrole → uri → decision per action index (undefined: not decided yet, or "ask dynamic"). */
  private cache = new Map<string, Map<string, Array<Decision | null | undefined>>>();
  private cached = 0;
  /** session id → uri → decision per action index, for dynamic answers with `cache: true`. */
  private readonly sessionCache = new Map<number, Map<string, Array<Decision | undefined>>>();

  constructor(
    roles: RoleConfig[],
    private readonly realm: AuthorizerRealm | undefined,
  ) {
    for (const config of roles) {
      const rules = new UriMatcher<CompiledRule>();
      for (const rule of config.permissions ?? []) rules.set(rule.uri, rule.match ?? 'exact', compileRule(rule));
      this.roles.set(config.name, { config, rules });
    }
  }

  hasRole(role: string): boolean {
    return this.roles.has(role);
  }

  authextraOf(role: string): Dict | undefined {
    return this.roles.get(role)?.config.authextra;
  }

  authorize(member: RealmMember, uri: string, action: Action, options: Dict): Decision | Promise<Decision> {
    if (member.trusted) return ALLOW;
    const index = ACTION_INDEX[action];
    const byUri = this.cache.get(member.authrole);
    const hit = byUri?.get(uri)?.[index];
    if (hit !== undefined && hit !== null) return hit;
    const role = this.roles.get(member.authrole);
    if (role === undefined) return DENY; // a role that does not exist has no permissions
    if (hit === undefined) {
      const decision = this.staticDecision(role, uri, index);
      this.remember(member.authrole, uri, index, decision);
      if (decision !== null) return decision;
    }
    // No static rule matched and the role has a dynamic authorizer.
    const known = this.sessionCache.get(member.id)?.get(uri)?.[index];
    if (known !== undefined) return known;
    return this.askDynamic(role, member, uri, action, options);
  }

  grants(member: RealmMember, uri: string, action: Action): boolean {
    if (member.trusted) return true;
    const role = this.roles.get(member.authrole);
    if (role === undefined) return false;
    const decision = this.staticDecision(role, uri, ACTION_INDEX[action]);
    // null: the role's dynamic authorizer decides, and the dispatcher already asked it.
    return decision === null ? true : decision.allow;
  }

  sessionLeft(member: RealmMember): void {
    this.sessionCache.delete(member.id);
  }

  /** The static decision, or null when no rule matched and the role has a dynamic authorizer. */
  private staticDecision(role: CompiledRole, uri: string, index: number): Decision | null {
    const best = role.rules.best(uri);
    if (best !== undefined) return best.entry.decisions[index];
    return role.config.authorizer !== undefined ? null : DENY;
  }

  private remember(authrole: string, uri: string, index: number, decision: Decision | null): void {
    if (this.cached >= MAX_CACHED_DECISIONS) {
      this.cache = new Map();
      this.cached = 0;
    }
    let byUri = this.cache.get(authrole);
    if (byUri === undefined) this.cache.set(authrole, (byUri = new Map()));
    let slots = byUri.get(uri);
    if (slots === undefined) byUri.set(uri, (slots = [undefined, undefined, undefined, undefined]));
    if (slots[index] === undefined) this.cached++;
    slots[index] = decision;
  }

  // ── dynamic authorizer ───────────────────────────────────────────────────

  private async askDynamic(role: CompiledRole, member: RealmMember, uri: string, action: Action, options: Dict): Promise<Decision> {
    const config = role.config.authorizer;
    if (config === undefined || this.realm === undefined) return DENY;
    const onError = (reason: string): Decision => (config.onError === 'allow' ? ALLOW : { allow: false, disclose: false, failure: reason });
    let result;
    try {
      result = await this.realm.call(config.procedure, [sessionInfo(member), uri, action, options], {}, config.timeoutMs ?? DEFAULT_AUTHORIZER_TIMEOUT_MS);
    } catch (error) {
      const text = error instanceof WampError ? `${error.uri}: ${error.message}` : String(error);
      return onError(`the authorizer ${config.procedure} failed (${text})`);
    }
    const answer = parseAnswer(result.args[0]);
    if (answer === undefined) return onError(`the authorizer ${config.procedure} returned neither a boolean nor {allow, disclose, cache}`);
    const decision = answer.allow ? (answer.disclose ? ALLOW_DISCLOSE : ALLOW) : DENY;
    if (answer.cache) this.cacheForSession(member, uri, ACTION_INDEX[action], decision);
    return decision;
  }

  private cacheForSession(member: RealmMember, uri: string, index: number, decision: Decision): void {
    let byUri = this.sessionCache.get(member.id);
    if (byUri === undefined) this.sessionCache.set(member.id, (byUri = new Map()));
    if (byUri.size >= MAX_CACHED_PER_SESSION) byUri.clear();
    let slots = byUri.get(uri);
    if (slots === undefined) byUri.set(uri, (slots = [undefined, undefined, undefined, undefined]));
    slots[index] = decision;
  }
}

/** The dynamic authorizer's first argument: who is asking. */
export function sessionInfo(member: RealmMember): Dict {
  return {
    session: member.id,
    realm: member.realm,
    authid: member.authid,
    authrole: member.authrole,
    authmethod: member.authmethod,
    authprovider: member.authprovider,
    transport: member.transport,
  };
}

/** true/false, or {allow: bool, disclose?: bool, cache?: bool}; anything else is malformed. */
function parseAnswer(value: unknown): { allow: boolean; disclose: boolean; cache: boolean } | undefined {
  if (typeof value === 'boolean') return { allow: value, disclose: false, cache: false };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { allow, disclose, cache } = value as Dict;
  if (typeof allow !== 'boolean') return undefined;
  if (disclose !== undefined && typeof disclose !== 'boolean') return undefined;
  if (cache !== undefined && typeof cache !== 'boolean') return undefined;
  return { allow, disclose: disclose === true, cache: cache === true };
}

/** The authorizer for a realm's config: allow-all without roles, role rules with them. */
export function createAuthorizer(roles: RoleConfig[] | undefined, realm: AuthorizerRealm | undefined): Authorizer {
  return roles === undefined ? new AllowAll() : new RoleAuthorizer(roles, realm);
}
