// Who may receive a publication: the publisher exclusion and the black/white lists, all ANDed
// (spec: advanced/pubsub_subscriber_blackwhite_listing.md, pubsub_publisher_exclusion.md).
import type { Dict } from '../protocol/messages.js';
import type { RealmMember } from '../member.js';

function setOf<T>(value: unknown): Set<T> | undefined {
  return Array.isArray(value) ? new Set(value as T[]) : undefined;
}

export class PublishFilter {
  private constructor(
    private readonly publisherId: number,
    private readonly excludePublisher: boolean,
    private readonly exclude: Set<number> | undefined,
    private readonly excludeAuthid: Set<string> | undefined,
    private readonly excludeAuthrole: Set<string> | undefined,
    private readonly eligible: Set<number> | undefined,
    private readonly eligibleAuthid: Set<string> | undefined,
    private readonly eligibleAuthrole: Set<string> | undefined,
  ) {}

  /** The filter of a PUBLISH; option types were checked on the wire. */
  static of(publisher: RealmMember, options: Dict): PublishFilter {
    return new PublishFilter(
      publisher.id,
      options.exclude_me !== false,
      setOf(options.exclude),
      setOf(options.exclude_authid),
      setOf(options.exclude_authrole),
      setOf(options.eligible),
      setOf(options.eligible_authid),
      setOf(options.eligible_authrole),
    );
  }

  /** True when the PUBLISH used only the default publisher exclusion (the fast path). */
  get plain(): boolean {
    return (
      this.exclude === undefined &&
      this.excludeAuthid === undefined &&
      this.excludeAuthrole === undefined &&
      this.eligible === undefined &&
      this.eligibleAuthid === undefined &&
      this.eligibleAuthrole === undefined
    );
  }

  /** Session-id lists make an event unfit for history: ids mean nothing to later sessions. */
  get usesSessionIds(): boolean {
    return this.exclude !== undefined || this.eligible !== undefined;
  }

  allows(member: RealmMember): boolean {
    if (this.excludePublisher && member.id === this.publisherId) return false;
    return this.allowsIdentity(member) && this.allowsSession(member);
  }

  private allowsSession(member: RealmMember): boolean {
    if (this.exclude?.has(member.id) === true) return false;
    return this.eligible === undefined || this.eligible.has(member.id);
  }

  /** The authid/authrole lists alone: what history filtering uses (spec: pubsub_event_history.md). */
  allowsIdentity(member: RealmMember): boolean {
    if (this.excludeAuthid?.has(member.authid) === true) return false;
    if (this.excludeAuthrole?.has(member.authrole) === true) return false;
    if (this.eligibleAuthid !== undefined && !this.eligibleAuthid.has(member.authid)) return false;
    if (this.eligibleAuthrole !== undefined && !this.eligibleAuthrole.has(member.authrole)) return false;
    return true;
  }
}
