// The WAMP meta API of one realm: a trusted internal member registers the meta procedures and
// publishes the meta events through the realm's own dealer and broker, driven by the realm's
// lifecycle events (realm-events.ts). spec: advanced/meta_api*.md, advanced/pubsub_testament.md
import type { Args, Dict, Invocation } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { isReservedUri } from '../protocol/uri-check.js';
import type { RealmMember } from '../member.js';
import type { Realm } from '../realm.js';
import type { RealmObserver } from '../realm-events.js';
import type { Subscription } from '../broker/subscriptions.js';
import type { Registration } from '../dealer/registrations.js';
import { InternalMember, type InvocationHandler } from './internal-member.js';
import type { MetaContext, MetaProcedure } from './procedure.js';
import { SessionMeta } from './sessions.js';
import { SubscriptionMeta } from './subscriptions.js';
import { RegistrationMeta } from './registrations.js';
import { eventHistoryProcedures } from './event-history.js';
import { Testaments } from './testaments.js';

/** The realm config key `metaApi`. */
export interface MetaApiOptions {
  /** Default true; false registers no meta procedure and publishes no meta event. */
  enabled?: boolean;
  /** Meta procedure URIs to leave unregistered (calls get wamp.error.no_such_procedure). */
  disable?: string[];
  /** Authroles that may call wamp.session.kill* and the remove_* procedures; default none. */
  allowKill?: string[];
}

export class MetaApi implements RealmObserver, MetaContext {
  readonly member: InternalMember;
  readonly testaments: Testaments;
  private readonly sessions: SessionMeta;
  private readonly subscriptions: SubscriptionMeta;
  private readonly registrations: RegistrationMeta;
  private readonly allowKill: ReadonlySet<string>;
  /** Sessions being closed by kill_all: no on_leave, no testaments (spec: #wampsessionkill_all). */
  private readonly silenced = new Set<number>();

  constructor(
    readonly realm: Realm,
    options: MetaApiOptions = {},
  ) {
    this.allowKill = new Set(options.allowKill ?? []);
    this.member = new InternalMember(realm);
    this.sessions = new SessionMeta(this);
    this.subscriptions = new SubscriptionMeta(this);
    this.registrations = new RegistrationMeta(this);
    this.testaments = new Testaments(this);
    realm.events.observe(this);
    realm.join(this.member);
    const disabled = new Set(options.disable ?? []);
    const procedures = [
      ...this.sessions.procedures(),
      ...this.testaments.procedures(),
      ...this.subscriptions.procedures(),
      ...eventHistoryProcedures(this),
      ...this.registrations.procedures(),
    ];
    for (const procedure of procedures) if (!disabled.has(procedure.uri)) this.register(procedure);
  }

  // ── MetaContext ──────────────────────────────────────────────────────────

  publish(topic: string, args: Args, kwargs?: Dict, options?: Dict): void {
    this.member.publish(topic, args, kwargs, options);
  }

  closeSilently(member: RealmMember, reason: string, message: string): void {
    this.silenced.add(member.id);
    member.close('goodbye', reason, message);
    // A member that left synchronously was taken out in sessionLeft; one still here keeps its mark.
    if (!this.realm.members.has(member.id)) this.silenced.delete(member.id);
  }

  // ── RealmObserver: no meta events about the router's own members or wamp.* URIs ──

  sessionJoined(member: RealmMember): void {
    if (member.internal !== true) this.sessions.joined(member);
  }

  /** Testaments first (the session's last words), then on_leave, as Crossbar does. */
  sessionLeft(member: RealmMember): void {
    if (member.internal === true) return;
    const silent = this.silenced.delete(member.id);
    this.testaments.sessionLeft(member, silent);
    if (!silent) this.sessions.left(member);
  }

  subscriptionCreated(member: RealmMember, subscription: Subscription): void {
    if (reportable(member, subscription.topic)) this.subscriptions.created(member, subscription);
  }

  subscribed(member: RealmMember, subscription: Subscription): void {
    if (reportable(member, subscription.topic)) this.subscriptions.subscribed(member, subscription);
  }

  unsubscribed(member: RealmMember, subscription: Subscription): void {
    if (reportable(member, subscription.topic)) this.subscriptions.unsubscribed(member, subscription);
  }

  subscriptionDeleted(member: RealmMember, subscription: Subscription): void {
    if (reportable(member, subscription.topic)) this.subscriptions.deleted(member, subscription);
  }

  registrationCreated(member: RealmMember, registration: Registration): void {
    if (reportable(member, registration.procedure)) this.registrations.created(member, registration);
  }

  registered(member: RealmMember, registration: Registration): void {
    if (reportable(member, registration.procedure)) this.registrations.registered(member, registration);
  }

  unregistered(member: RealmMember, registration: Registration): void {
    if (reportable(member, registration.procedure)) this.registrations.unregistered(member, registration);
  }

  registrationDeleted(member: RealmMember, registration: Registration): void {
    if (reportable(member, registration.procedure)) this.registrations.deleted(member, registration);
  }

  // ── procedures ───────────────────────────────────────────────────────────

  /**
   * REGISTERs a meta procedure with disclose_caller (the handlers need the caller). A realm
   * that forbids disclosure refuses that option; then the caller is found through the dealer's
   * invocation table instead.
   */
  private register(procedure: MetaProcedure): void {
    const handler = this.serve(procedure);
    let outcome = this.member.register(procedure.uri, { disclose_caller: true }, handler);
    if (outcome instanceof WampError && outcome.uri === ErrorUri.optionNotAllowed) outcome = this.member.register(procedure.uri, {}, handler);
    if (outcome instanceof WampError) {
      this.realm.logger.error({ realm: this.realm.name, procedure: procedure.uri, error: outcome.uri, reason: outcome.message }, 'meta procedure not registered');
    }
  }

  private serve(procedure: MetaProcedure): InvocationHandler {
    return (invocation) => {
      const caller = this.callerOf(invocation);
      // The caller left: the dealer has forgotten the call and drops whatever we answer.
      if (caller === undefined) throw new WampError(ErrorUri.canceled, 'the caller has left');
      // Privileged (kill*, remove_*): metaApi.allowKill, or a role the authorizer grants the call
      // explicitly (never the allow-all default of a realm without roles).
      if (procedure.privileged === true && !this.allowKill.has(caller.authrole) && !this.realm.authorizer.grants(caller, procedure.uri, 'call')) {
        throw new WampError(ErrorUri.notAuthorized, `authrole "${caller.authrole}" is not allowed to call ${procedure.uri} (realm metaApi.allowKill or a role permission)`);
      }
      return procedure.handle({ args: invocation.args ?? [], kwargs: invocation.kwargs ?? {}, caller });
    };
  }

  private callerOf(invocation: Invocation): RealmMember | undefined {
    const disclosed = invocation.details.caller;
    const caller =
      typeof disclosed === 'number'
        ? this.realm.members.get(disclosed)
        : this.realm.dealer.invocations.byInvocation(this.member, invocation.request)?.caller;
    return caller !== undefined && this.realm.members.get(caller.id) === caller ? caller : undefined;
  }
}

function reportable(member: RealmMember, uri: string): boolean {
  return member.internal !== true && !isReservedUri(uri);
}
