// A realm: its members, broker and dealer. Routing state changes synchronously.
import type { Dict, Message } from './protocol/messages.js';
import type { UriCheckMode } from './protocol/uri-check.js';
import type { RealmMember } from './member.js';
import { Broker, type BrokerOptions } from './broker/broker.js';
import { Dealer, type DealerOptions } from './dealer/dealer.js';
import { dispatch } from './dispatch.js';
import { RealmEvents } from './realm-events.js';
import { MetaApi, type MetaApiOptions } from './meta/meta-api.js';
import { createAuthorizer, type Authorizer, type RoleConfig } from './authorizer.js';
import { InternalCaller, type InternalResult } from './authz/internal-caller.js';
import { PendingQueues } from './authz/pending.js';

/** The little of a logger the core needs; pino's Logger satisfies it. */
export interface RealmLogger {
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export interface RealmOptions {
  name: string;
  /** URI rules for topics and procedures (basic/building_blocks.md#uris). Default loose. */
  uriCheck?: UriCheckMode;
  logger: RealmLogger;
  /** Per-session call limits and the disclosure policy. */
  dealer?: Partial<DealerOptions>;
  /** Publisher disclosure policy and event history topics. */
  broker?: Partial<BrokerOptions>;
  /** The WAMP meta API (realms/meta): on unless `enabled: false`. */
  metaApi?: MetaApiOptions;
  /** Roles and their permissions; none (undefined) allows everything (realms/authorizer.ts). */
  roles?: RoleConfig[];
  /** An Authorizer of your own instead of the role rules (embedding). */
  authorizer?: Authorizer;
}

/** Counts for `router.stats()`, so tests and operators can see nothing is left behind. */
export interface RealmStats {
  sessions: number;
  subscriptions: number;
  registrations: number;
  invocations: number;
  /** Timers the realm holds (call timeouts). */
  timers: number;
}

export class Realm {
  readonly name: string;
  readonly uriCheck: UriCheckMode;
  readonly logger: RealmLogger;
  readonly events = new RealmEvents();
  readonly broker: Broker;
  readonly dealer: Dealer;
  readonly members = new Map<number, RealmMember>();
  /** The meta API's trusted internal member and its state; undefined when disabled. */
  readonly meta: MetaApi | undefined;
  /** Decides every publish, subscribe, call and register of an untrusted member (dispatch.ts). */
  readonly authorizer: Authorizer;
  /** Messages waiting behind a pending (dynamic) authorization decision, per session. */
  readonly pending = new PendingQueues();
  /** The router's own caller (dynamic authorizer and authenticators); created on first use. */
  private caller: InternalCaller | undefined;

  constructor(options: RealmOptions) {
    this.name = options.name;
    this.uriCheck = options.uriCheck ?? 'loose';
    this.logger = options.logger;
    this.broker = new Broker(this.events, options.broker);
    this.dealer = new Dealer(this.events, options.dealer);
    this.authorizer = options.authorizer ?? createAuthorizer(options.roles, this);
    // meta API: attached last, it REGISTERs through this realm's dispatcher like any client.
    this.meta = options.metaApi?.enabled === false ? undefined : new MetaApi(this, options.metaApi);
  }

  join(member: RealmMember): void {
    this.members.set(member.id, member);
    this.events.emit('sessionJoined', member);
  }

  /** Removes a member and everything it held; callers waiting on it get wamp.error.canceled. */
  leave(member: RealmMember): void {
    if (!this.members.delete(member.id)) return;
    this.pending.drop(member.id);
    this.authorizer.sessionLeft(member);
    this.broker.removeSession(member);
    this.dealer.removeSession(member);
    this.events.emit('sessionLeft', member);
  }

  handle(member: RealmMember, message: Message): void {
    dispatch(this, member, message);
  }

  /**
   * CALLs a procedure as the router's own trusted caller, through this realm's dealer like any
   * client (dynamic authorizer, dynamic authenticators). Rejects with a WampError.
   */
  call(procedure: string, args: unknown[], kwargs: Dict, timeoutMs: number): Promise<InternalResult> {
    this.caller ??= new InternalCaller(this);
    return this.caller.call(procedure, args, kwargs, timeoutMs);
  }

  /** Internal members (the meta API) and what only they hold are not counted. */
  stats(): RealmStats {
    const external = (member: RealmMember): boolean => member.internal !== true;
    let sessions = 0;
    for (const member of this.members.values()) if (external(member)) sessions++;
    let subscriptions = 0;
    for (const subscription of this.broker.subscriptions.all()) if ([...subscription.subscribers.values()].some(external)) subscriptions++;
    let registrations = 0;
    for (const registration of this.dealer.registrations.all()) if (registration.callees.some((entry) => external(entry.member))) registrations++;
    return {
      sessions,
      subscriptions,
      registrations,
      invocations: this.dealer.invocations.size,
      timers: this.dealer.timers + (this.caller?.timers ?? 0),
    };
  }
}
