// The broker: SUBSCRIBE / UNSUBSCRIBE / PUBLISH → EVENT (spec: basic/publish_subscribe.md).
// Handlers validate first, then mutate synchronously; they never await.
import { MessageType } from '../protocol/message-type.js';
import type { Event, Publish, Subscribe, Unsubscribe } from '../protocol/messages.js';
import { ErrorUri } from '../protocol/uris.js';
import { WampError } from '../protocol/errors.js';
import { randomId } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import { SubscriptionTable } from './subscriptions.js';

export class Broker {
  readonly subscriptions = new SubscriptionTable();

  subscribe(member: RealmMember, message: Subscribe): void {
    const match = message.options.match;
    if (match !== undefined && match !== 'exact') {
      throw new WampError(ErrorUri.featureNotSupported, `match "${String(match)}" subscriptions are not supported yet`);
    }
    const subscription = this.subscriptions.add(member, message.topic);
    member.send({ type: MessageType.SUBSCRIBED, request: message.request, subscription: subscription.id });
  }

  unsubscribe(member: RealmMember, message: Unsubscribe): void {
    if (!this.subscriptions.remove(member, message.subscription)) {
      throw new WampError(
        ErrorUri.noSuchSubscription,
        `session holds no subscription ${message.subscription}`,
      );
    }
    member.send({ type: MessageType.UNSUBSCRIBED, request: message.request });
  }

  // spec: basic/publish_subscribe.md#publish — the publisher is excluded unless exclude_me is false.
  publish(member: RealmMember, message: Publish): void {
    const publication = randomId();
    const subscription = this.subscriptions.lookup(message.topic);
    if (subscription !== undefined) {
      const excludePublisher = message.options.exclude_me !== false;
      // One EVENT object per subscription: every recipient gets the same object, so each
      // serializer encodes it once (DESIGN.md, performance rules).
      const event: Event = {
        type: MessageType.EVENT,
        subscription: subscription.id,
        publication,
        details: {},
        args: message.args,
        kwargs: message.kwargs,
      };
      for (const subscriber of subscription.subscribers.values()) {
        if (excludePublisher && subscriber === member) continue;
        subscriber.send(event);
      }
    }
    if (message.options.acknowledge === true) {
      member.send({ type: MessageType.PUBLISHED, request: message.request, publication });
    }
  }

  removeSession(sessionId: number): void {
    this.subscriptions.removeSession(sessionId);
  }
}
