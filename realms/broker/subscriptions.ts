// The subscription table: one subscription per (topic, match), shared by all its subscribers
// (spec: basic/publish_subscribe.md#subscribe, advanced/pubsub_pattern_based_subscription.md).
import { IdSequence } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import { UriMatcher, type MatchPolicy } from '../uri-match/uri-matcher.js';

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly match: MatchPolicy;
  readonly created: Date;
  /** Subscribers by session id; insertion order is delivery order. */
  readonly subscribers: Map<number, RealmMember>;
}

export class SubscriptionTable {
  private readonly ids = new IdSequence();
  private readonly byUri = new UriMatcher<Subscription>();
  private readonly byId = new Map<number, Subscription>();
  /** Which subscriptions each session holds, so leaving costs O(own subscriptions). */
  private readonly bySession = new Map<number, Set<Subscription>>();

  /** Adds `member` to the (topic, match) subscription, creating it if needed. Idempotent per session. */
  add(member: RealmMember, topic: string, match: MatchPolicy): { subscription: Subscription; created: boolean; added: boolean } {
    let subscription = this.byUri.get(topic, match);
    const created = subscription === undefined;
    if (subscription === undefined) {
      subscription = { id: this.ids.next(), topic, match, created: new Date(), subscribers: new Map() };
      this.byUri.set(topic, match, subscription);
      this.byId.set(subscription.id, subscription);
    }
    const added = !subscription.subscribers.has(member.id);
    subscription.subscribers.set(member.id, member);
    let own = this.bySession.get(member.id);
    if (own === undefined) this.bySession.set(member.id, (own = new Set()));
    own.add(subscription);
    return { subscription, created, added };
  }

  /** Removes `member` from a subscription; undefined when it was not subscribed to it. */
  remove(member: RealmMember, subscriptionId: number): { subscription: Subscription; deleted: boolean } | undefined {
    const subscription = this.byId.get(subscriptionId);
    if (subscription === undefined || !subscription.subscribers.has(member.id)) return undefined;
    subscription.subscribers.delete(member.id);
    const own = this.bySession.get(member.id);
    own?.delete(subscription);
    if (own?.size === 0) this.bySession.delete(member.id);
    const deleted = subscription.subscribers.size === 0;
    if (deleted) {
      this.byUri.delete(subscription.topic, subscription.match);
      this.byId.delete(subscription.id);
    }
    return { subscription, deleted };
  }

  /** The subscriptions a session holds. */
  ofSession(sessionId: number): Subscription[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  /** The subscription stored under exactly this (topic, match). */
  find(topic: string, match: MatchPolicy): Subscription | undefined {
    return this.byUri.get(topic, match);
  }

  get(id: number): Subscription | undefined {
    return this.byId.get(id);
  }

  /** Every subscription a publication to `topic` is delivered to. */
  matching(topic: string): Subscription[] {
    return this.byUri.all(topic).map((hit) => hit.entry);
  }

  /** The exact-match subscription of `topic`, for the common no-pattern fast path. */
  exact(topic: string): Subscription | undefined {
    return this.byUri.get(topic, 'exact');
  }

  get patternsInUse(): boolean {
    return !this.byUri.exactOnly;
  }

  all(): IterableIterator<Subscription> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
