// Lifecycle events of a realm, for the meta API (and later metrics): who joined and left,
// which subscriptions and registrations came and went. Emitted synchronously, after the
// routing state changed, in the order the spec's meta API requires (create before
// subscribe/register, unsubscribe/unregister before delete).
import type { RealmMember } from './member.js';
import type { Subscription } from './broker/subscriptions.js';
import type { Registration } from './dealer/registrations.js';

export interface RealmObserver {
  sessionJoined?(member: RealmMember): void;
  /** After the member's subscriptions and registrations were removed. */
  sessionLeft?(member: RealmMember): void;
  subscriptionCreated?(member: RealmMember, subscription: Subscription): void;
  subscribed?(member: RealmMember, subscription: Subscription): void;
  unsubscribed?(member: RealmMember, subscription: Subscription): void;
  subscriptionDeleted?(member: RealmMember, subscription: Subscription): void;
  registrationCreated?(member: RealmMember, registration: Registration): void;
  registered?(member: RealmMember, registration: Registration): void;
  unregistered?(member: RealmMember, registration: Registration): void;
  registrationDeleted?(member: RealmMember, registration: Registration): void;
}

type EventName = keyof RealmObserver;
type EventArgs<K extends EventName> = Parameters<NonNullable<RealmObserver[K]>>;

export class RealmEvents {
  private readonly observers: RealmObserver[] = [];

  observe(observer: RealmObserver): () => void {
    this.observers.push(observer);
    return () => {
      const index = this.observers.indexOf(observer);
      if (index >= 0) this.observers.splice(index, 1);
    };
  }

  emit<K extends EventName>(name: K, ...args: EventArgs<K>): void {
    for (const observer of this.observers) {
      const handler = observer[name] as ((...a: EventArgs<K>) => void) | undefined;
      handler?.apply(observer, args);
    }
  }

  get observed(): boolean {
    return this.observers.length > 0;
  }
}
