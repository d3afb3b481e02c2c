// The registration table: exact and pattern registrations, each with one or more callees
// (shared registration) and an invocation policy fixed by the first registrant.
// spec: basic/remote_procedure_call.md#registering-and-unregistering,
//       advanced/rpc_shared_registration.md, advanced/rpc_pattern_based_registration.md
import { IdSequence } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import { UriMatcher, type MatchPolicy } from '../uri-match/uri-matcher.js';

export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

/** One callee's part in a registration, with the options it registered with. */
export interface CalleeEntry {
  readonly member: RealmMember;
  readonly discloseCaller: boolean;
  readonly forwardTimeout: boolean;
  readonly registered: Date;
}

export interface Registration {
  readonly id: number;
  readonly procedure: string;
  readonly match: MatchPolicy;
  readonly invoke: InvokePolicy;
  readonly created: Date;
  /** In order of registration (the order `first`, `last` and `roundrobin` use). */
  readonly callees: CalleeEntry[];
  /** Index of the next callee for `roundrobin`. */
  nextIndex: number;
}

export class RegistrationTable {
  private readonly ids = new IdSequence();
  private readonly byUri = new UriMatcher<Registration>();
  private readonly byId = new Map<number, Registration>();
  private readonly bySession = new Map<number, Set<Registration>>();

  /** The registration stored under exactly this (procedure, match). */
  find(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.byUri.get(procedure, match);
  }

  get(id: number): Registration | undefined {
    return this.byId.get(id);
  }

  /** Creates a registration (if none) and adds `entry` as a callee. The caller checked policies. */
  add(procedure: string, match: MatchPolicy, invoke: InvokePolicy, entry: CalleeEntry): { registration: Registration; created: boolean } {
    let registration = this.byUri.get(procedure, match);
    const created = registration === undefined;
    if (registration === undefined) {
      registration = { id: this.ids.next(), procedure, match, invoke, created: new Date(), callees: [], nextIndex: 0 };
      this.byUri.set(procedure, match, registration);
      this.byId.set(registration.id, registration);
    }
    registration.callees.push(entry);
    let own = this.bySession.get(entry.member.id);
    if (own === undefined) this.bySession.set(entry.member.id, (own = new Set()));
    own.add(registration);
    return { registration, created };
  }

  /**
   * Removes `member` from a registration. Returns undefined when the member is not a callee of
   * it, else whether the registration was deleted because no callee is left.
   */
  remove(member: RealmMember, registrationId: number): { deleted: boolean; registration: Registration } | undefined {
    const registration = this.byId.get(registrationId);
    if (registration === undefined) return undefined;
    const index = registration.callees.findIndex((entry) => entry.member === member);
    if (index < 0) return undefined;
    registration.callees.splice(index, 1);
    // Keep round-robin on the callee that was next before the removal.
    if (index < registration.nextIndex) registration.nextIndex--;
    if (registration.nextIndex >= registration.callees.length) registration.nextIndex = 0;
    const own = this.bySession.get(member.id);
    own?.delete(registration);
    if (own?.size === 0) this.bySession.delete(member.id);
    const deleted = registration.callees.length === 0;
    if (deleted) {
      this.byUri.delete(registration.procedure, registration.match);
      this.byId.delete(registration.id);
    }
    return { deleted, registration };
  }

  /** Every registration a session is a callee of. */
  ofSession(sessionId: number): Registration[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  /** The single registration a concrete procedure URI routes to, by the spec's precedence. */
  route(procedure: string): Registration | undefined {
    return this.byUri.best(procedure)?.entry;
  }

  all(): IterableIterator<Registration> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Picks the callee for the next call by the registration's invocation policy. */
export function pickCallee(registration: Registration, available: (entry: CalleeEntry) => boolean): CalleeEntry | undefined {
  const callees = registration.callees;
  switch (registration.invoke) {
    case 'single':
    case 'first':
      return callees.find(available);
    case 'last':
      for (let i = callees.length - 1; i >= 0; i--) if (available(callees[i])) return callees[i];
      return undefined;
    case 'random': {
      const candidates = callees.filter(available);
      return candidates[Math.floor(Math.random() * candidates.length)];
    }
    case 'roundrobin':
      for (let step = 0; step < callees.length; step++) {
        const index = (registration.nextIndex + step) % callees.length;
        if (available(callees[index])) {
          registration.nextIndex = (index + 1) % callees.length;
          return callees[index];
        }
      }
      return undefined;
  }
}
