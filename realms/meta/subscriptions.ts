// Subscription meta API: on_create / on_subscribe / on_unsubscribe / on_delete events and the
// list, lookup, match, get, list_subscribers, count_subscribers procedures, plus the
// remove_subscriber revocation trigger (a Sprocket/Crossbar extension, not in the spec).
// spec: advanced/meta_api_subscriptions.md
import type { Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import type { RealmMember } from '../member.js';
import type { Subscription } from '../broker/subscriptions.js';
import {
  MetaErrorUri,
  idArg,
  invalidArgument,
  isProtected,
  listsByMatch,
  matchOption,
  one,
  optionalDictArg,
  stringArg,
  type MetaContext,
  type MetaProcedure,
} from './procedure.js';

/** SubscriptionDetails (spec: #wampsubscriptionon_create). */
export function subscriptionDetails(subscription: Subscription): Dict {
  return { id: subscription.id, created: subscription.created.toISOString(), uri: subscription.topic, match: subscription.match };
}

/** The subscribers the meta API reports: never the router's own members. */
function subscribers(subscription: Subscription): RealmMember[] {
  return [...subscription.subscribers.values()].filter((member) => member.internal !== true);
}

export class SubscriptionMeta {
  constructor(private readonly context: MetaContext) {}

  // spec: #wampsubscriptionon_create — session, SubscriptionDetails; always before on_subscribe.
  created(member: RealmMember, subscription: Subscription): void {
    this.context.publish('wamp.subscription.on_create', [member.id, subscriptionDetails(subscription)]);
  }

  // spec: #wampsubscriptionon_subscribe — session, subscription id.
  subscribed(member: RealmMember, subscription: Subscription): void {
    this.context.publish('wamp.subscription.on_subscribe', [member.id, subscription.id]);
  }

  // spec: #wampsubscriptionon_unsubscribe — session, subscription id; always before on_delete.
  unsubscribed(member: RealmMember, subscription: Subscription): void {
    this.context.publish('wamp.subscription.on_unsubscribe', [member.id, subscription.id]);
  }

  // spec: #wampsubscriptionon_delete — the last session, subscription id.
  deleted(member: RealmMember, subscription: Subscription): void {
    this.context.publish('wamp.subscription.on_delete', [member.id, subscription.id]);
  }

  procedures(): MetaProcedure[] {
    const table = this.context.realm.broker.subscriptions;
    /** The subscription a procedure asks about; wamp.* ones only for trusted callers (as Crossbar). */
    const subscriptionArg = (args: unknown[], caller: RealmMember): Subscription => {
      const id = idArg(args, 0, 'subscription');
      const subscription = table.get(id);
      if (subscription === undefined) throw noSuchSubscription(`no subscription with ID ${id} exists on this broker`);
      if (isProtected(subscription.topic, caller)) {
        throw new WampError(ErrorUri.notAuthorized, `not authorized to inspect the router's subscription to "${subscription.topic}"`);
      }
      return subscription;
    };
    return [
      // spec: #wampsubscriptionlist — [SubscriptionLists]
      {
        uri: 'wamp.subscription.list',
        handle: ({ caller }) => one(listsByMatch([...table.all()].filter((s) => !isProtected(s.topic, caller)))),
      },
      // spec: #wampsubscriptionlookup — [subscription id | null]
      {
        uri: 'wamp.subscription.lookup',
        handle: ({ args, caller }) => {
          const topic = stringArg(args, 0, 'topic');
          const found = table.find(topic, matchOption(optionalDictArg(args, 1, 'options')));
          return one(found === undefined || isProtected(found.topic, caller) ? null : found.id);
        },
      },
      // spec: #wampsubscriptionmatch — [subscription ids | null]
      {
        uri: 'wamp.subscription.match',
        handle: ({ args, caller }) => {
          const ids = table.matching(stringArg(args, 0, 'topic')).filter((s) => !isProtected(s.topic, caller)).map((s) => s.id);
          return one(ids.length > 0 ? ids : null);
        },
      },
      // spec: #wampsubscriptionget — [SubscriptionDetails] | wamp.error.no_such_subscription
      { uri: 'wamp.subscription.get', handle: ({ args, caller }) => one(subscriptionDetails(subscriptionArg(args, caller))) },
      // spec: #wampsubscriptionlist_subscribers — [session ids]
      {
        uri: 'wamp.subscription.list_subscribers',
        handle: ({ args, caller }) => one(subscribers(subscriptionArg(args, caller)).map((member) => member.id)),
      },
      // spec: #wampsubscriptioncount_subscribers — [count]
      {
        uri: 'wamp.subscription.count_subscribers',
        handle: ({ args, caller }) => one(subscribers(subscriptionArg(args, caller)).length),
      },
      // Extension (Crossbar's remove_subscriber): (subscription, session, {reason}) → broker.revoke;
      // the subscriber gets UNSUBSCRIBED only if it announced subscription_revocation
      // (spec: advanced/pubsub_subscription_revocation.md). No return value.
      {
        uri: 'wamp.subscription.remove_subscriber',
        privileged: true,
        handle: ({ args, kwargs, caller }) => {
          const sessionId = idArg(args, 1, 'session');
          const subscription = subscriptionArg(args, caller);
          const member = this.context.realm.members.get(sessionId);
          if (member === undefined || member.internal === true) {
            throw new WampError(MetaErrorUri.noSuchSession, `no session with ID ${sessionId} exists in this realm`);
          }
          const reason = revocationReason(kwargs, 'wamp.subscription.remove_subscriber');
          if (!this.context.realm.broker.revoke(member, subscription.id, reason)) {
            throw noSuchSubscription(`session ${sessionId} is not subscribed to subscription ${subscription.id}`);
          }
          return undefined;
        },
      },
    ];
  }
}

function noSuchSubscription(text: string): WampError {
  return new WampError(ErrorUri.noSuchSubscription, text);
}

/** `kwargs.reason` of the remove_* procedures: a free text (UNSUBSCRIBED/UNREGISTERED Details.reason). */
export function revocationReason(kwargs: Dict, procedure: string): string {
  const reason = kwargs.reason ?? `revoked through ${procedure}`;
  if (typeof reason !== 'string') throw invalidArgument('kwargs.reason must be a string');
  return reason;
}
