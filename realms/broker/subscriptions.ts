// The subscription table: one subscription per topic, shared by all its subscribers
// (spec: basic/publish_subscribe.md#subscribe — the same id for every session on the topic).
import { IdSequence } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import { ExactMatcher } from '../uri-match/exact.js';

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly match: 'exact';
  readonly created: Date;
  /** Subscribers by session id; insertion order is delivery order. */
  readonly subscribers: Map<number, RealmMember>;
}

export class SubscriptionTable {
  private readonly ids = new IdSequence();
  private readonly byTopic = new ExactMatcher<Subscription>();
  private readonly byId = new Map<number, Subscription>();
  /** Which subscriptions each session holds, so leaving costs O(own subscriptions). */
  private readonly bySession = new Map<number, Set<Subscription>>();

  /** Adds `member` to the topic's subscription, creating it if needed. Idempotent per session. */
  add(member: RealmMember, topic: string): Subscription {
    let subscription = this.byTopic.get(topic);
    if (subscription === undefined) {
      subscription = { id: this.ids.next(), topic, match: 'exact', created: new Date(), subscribers: new Map() };
      this.byTopic.set(topic, subscription);
      this.byId.set(subscription.id, subscription);
    }
    subscription.subscribers.set(member.id, member);
    let own = this.bySession.get(member.id);
    if (own === undefined) this.bySession.set(member.id, (own = new Set()));
    own.add(subscription);
    return subscription;
  }

  /** Removes `member` from a subscription; false when it was not subscribed to it. */
  remove(member: RealmMember, subscriptionId: number): boolean {
    const subscription = this.byId.get(subscriptionId);
    if (subscription === undefined || !subscription.subscribers.has(member.id)) return false;
    this.detach(member.id, subscription);
    const own = this.bySession.get(member.id);
    own?.delete(subscription);
    if (own?.size === 0) this.bySession.delete(member.id);
    return true;
  }

  /** Removes every subscription a session holds (session left or was closed). */
  removeSession(sessionId: number): void {
    const own = this.bySession.get(sessionId);
    if (own === undefined) return;
    this.bySession.delete(sessionId);
    for (const subscription of own) this.detach(sessionId, subscription);
  }

  /** The subscription an exact topic routes to, if any. */
  lookup(topic: string): Subscription | undefined {
    return this.byTopic.get(topic);
  }

  get size(): number {
    return this.byId.size;
  }

  private detach(sessionId: number, subscription: Subscription): void {
    subscription.subscribers.delete(sessionId);
    if (subscription.subscribers.size === 0) {
      this.byTopic.delete(subscription.topic);
      this.byId.delete(subscription.id);
    }
  }
}
