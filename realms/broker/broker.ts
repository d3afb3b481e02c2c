// The broker: SUBSCRIBE / UNSUBSCRIBE / PUBLISH → EVENT with the Advanced Profile's pub/sub
// features. Handlers validate first, then mutate synchronously; they never await.
// spec: basic/publish_subscribe.md, advanced/pubsub_*.md
import { MessageType } from '../protocol/message-type.js';
import type { Dict, Event, Publish, Subscribe, Unsubscribe } from '../protocol/messages.js';
import { ErrorUri } from '../protocol/uris.js';
import { WampError } from '../protocol/errors.js';
import { hasFeature } from '../protocol/features.js';
import { randomId } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import type { RealmEvents } from '../realm-events.js';
import type { MatchPolicy } from '../uri-match/uri-matcher.js';
import { SubscriptionTable, type Subscription } from './subscriptions.js';
import { PublishFilter } from './publish-filter.js';
import { RetainedEvents } from './retained.js';
import { EventHistory, type HistoryConfig } from './history.js';

export interface BrokerOptions {
  /** Whether publishers may disclose their identity (disclose_me). */
  allowDisclosure: boolean;
  /** Topics whose events are kept for wamp.subscription.get_events. */
  history: HistoryConfig[];
}

export class Broker {
  readonly subscriptions = new SubscriptionTable();
  readonly retained = new RetainedEvents();
  readonly history: EventHistory;
  private readonly allowDisclosure: boolean;

  constructor(
    private readonly events: RealmEvents,
    options: Partial<BrokerOptions> = {},
  ) {
    this.allowDisclosure = options.allowDisclosure ?? true;
    this.history = new EventHistory(options.history ?? []);
  }

  subscribe(member: RealmMember, message: Subscribe): void {
    const match = (message.options.match ?? 'exact') as MatchPolicy;
    const { subscription, created, added } = this.subscriptions.add(member, message.topic, match);
    member.send({ type: MessageType.SUBSCRIBED, request: message.request, subscription: subscription.id });
    if (created) this.events.emit('subscriptionCreated', member, subscription);
    if (added) this.events.emit('subscribed', member, subscription);
    // spec: advanced/pubsub_event_retention.md — after SUBSCRIBED, only events it was eligible for.
    if (message.options.get_retained === true) {
      for (const retained of this.retained.matching(subscription.topic, subscription.match, (event) => event.filter.allows(member))) {
        member.send({
          type: MessageType.EVENT,
          subscription: subscription.id,
          publication: retained.publication,
          details: this.eventDetails(subscription, retained.topic, retained.details, true),
          args: retained.args,
          kwargs: retained.kwargs,
        });
      }
    }
  }

  unsubscribe(member: RealmMember, message: Unsubscribe): void {
    if (this.subscriptions.get(message.subscription)?.subscribers.has(member.id) !== true) {
      throw new WampError(ErrorUri.noSuchSubscription, `session holds no subscription ${message.subscription}`);
    }
    member.send({ type: MessageType.UNSUBSCRIBED, request: message.request });
    this.removeSubscriber(member, message.subscription);
  }

  /**
   * The router takes a subscription away from a subscriber; UNSUBSCRIBED goes only to those
   * that announced subscription_revocation (spec: advanced/pubsub_subscription_revocation.md).
   */
  revoke(member: RealmMember, subscriptionId: number, reason: string): boolean {
    if (!this.removeSubscriber(member, subscriptionId)) return false;
    if (hasFeature(member.roles, 'subscriber', 'subscription_revocation')) {
      member.send({ type: MessageType.UNSUBSCRIBED, request: 0, details: { subscription: subscriptionId, reason } });
    }
    return true;
  }

  // spec: basic/publish_subscribe.md#publish — the publisher is excluded unless exclude_me is false.
  publish(member: RealmMember, message: Publish): void {
    const { options, topic } = message;
    const discloseMe = options.disclose_me === true;
    if (discloseMe && !this.allowDisclosure) {
      throw new WampError(ErrorUri.discloseMeDisallowed, 'this realm does not allow publishers to disclose themselves');
    }
    const publication = randomId();
    const filter = PublishFilter.of(member, options);
    const published: Dict = discloseMe
      ? { publisher: member.id, publisher_authid: member.authid, publisher_authrole: member.authrole }
      : {};

    if (this.subscriptions.patternsInUse) {
      for (const subscription of this.subscriptions.matching(topic)) this.deliver(subscription, member, message, publication, published, filter);
    } else {
      const subscription = this.subscriptions.exact(topic);
      if (subscription !== undefined) this.deliver(subscription, member, message, publication, published, filter);
    }

    if (options.retain === true) {
      this.retained.set({ topic, publication, details: published, args: message.args, kwargs: message.kwargs, filter });
    }
    if (this.history.enabled) this.history.record(topic, publication, published, message.args, message.kwargs, filter);
    if (options.acknowledge === true) member.send({ type: MessageType.PUBLISHED, request: message.request, publication });
  }

  /** One EVENT object per subscription, sent to every eligible subscriber (encoded once per serializer). */
  private deliver(subscription: Subscription, publisher: RealmMember, message: Publish, publication: number, published: Dict, filter: PublishFilter): void {
    const event: Event = {
      type: MessageType.EVENT,
      subscription: subscription.id,
      publication,
      details: this.eventDetails(subscription, message.topic, published, false),
      args: message.args,
      kwargs: message.kwargs,
    };
    if (filter.plain) {
      const skip = message.options.exclude_me !== false ? publisher : undefined;
      for (const subscriber of subscription.subscribers.values()) if (subscriber !== skip) subscriber.send(event);
      return;
    }
    for (const subscriber of subscription.subscribers.values()) if (filter.allows(subscriber)) subscriber.send(event);
  }

  /** EVENT.Details: the concrete topic for pattern subscriptions, publisher disclosure, retained flag. */
  private eventDetails(subscription: Subscription, topic: string, published: Dict, retained: boolean): Dict {
    if (subscription.match === 'exact' && !retained) return published;
    const details: Dict = { ...published };
    if (subscription.match !== 'exact') details.topic = topic;
    if (retained) details.retained = true;
    return details;
  }

  removeSession(member: RealmMember): void {
    for (const subscription of this.subscriptions.ofSession(member.id)) this.removeSubscriber(member, subscription.id);
  }

  private removeSubscriber(member: RealmMember, subscriptionId: number): boolean {
    const removed = this.subscriptions.remove(member, subscriptionId);
    if (removed === undefined) return false;
    this.events.emit('unsubscribed', member, removed.subscription);
    if (removed.deleted) this.events.emit('subscriptionDeleted', member, removed.subscription);
    return true;
  }
}
