// A realm: its members, broker and dealer. Routing state changes synchronously.
import type { Message } from './protocol/messages.js';
import type { UriCheckMode } from './protocol/uri-check.js';
import type { RealmMember } from './member.js';
import { Broker } from './broker/broker.js';
import { Dealer } from './dealer/dealer.js';
import { dispatch } from './dispatch.js';

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
}

/** Counts for `router.stats()`, so tests and operators can see nothing is left behind. */
export interface RealmStats {
  sessions: number;
  subscriptions: number;
  registrations: number;
  invocations: number;
}

export class Realm {
  readonly name: string;
  readonly uriCheck: UriCheckMode;
  readonly logger: RealmLogger;
  readonly broker = new Broker();
  readonly dealer = new Dealer();
  readonly members = new Map<number, RealmMember>();

  constructor(options: RealmOptions) {
    this.name = options.name;
    this.uriCheck = options.uriCheck ?? 'loose';
    this.logger = options.logger;
  }

  join(member: RealmMember): void {
    this.members.set(member.id, member);
  }

  /** Removes a member and everything it held; callers waiting on it get wamp.error.canceled. */
  leave(member: RealmMember): void {
    if (!this.members.delete(member.id)) return;
    this.broker.removeSession(member.id);
    this.dealer.removeSession(member);
  }

  handle(member: RealmMember, message: Message): void {
    dispatch(this, member, message);
  }

  stats(): RealmStats {
    return {
      sessions: this.members.size,
      subscriptions: this.broker.subscriptions.size,
      registrations: this.dealer.registrations.size,
      invocations: this.dealer.invocations.size,
    };
  }
}
