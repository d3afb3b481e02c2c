// The registration table (spec: basic/remote_procedure_call.md#registering-and-unregistering):
// one callee per procedure URI.
import { IdSequence } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import { ExactMatcher } from '../uri-match/exact.js';

export interface Registration {
  readonly id: number;
  readonly procedure: string;
  readonly match: 'exact';
  readonly created: Date;
  readonly callee: RealmMember;
}

export class RegistrationTable {
  private readonly ids = new IdSequence();
  private readonly byProcedure = new ExactMatcher<Registration>();
  private readonly byId = new Map<number, Registration>();
  private readonly bySession = new Map<number, Set<Registration>>();

  add(callee: RealmMember, procedure: string): Registration {
    const registration: Registration = { id: this.ids.next(), procedure, match: 'exact', created: new Date(), callee };
    this.byProcedure.set(procedure, registration);
    this.byId.set(registration.id, registration);
    let own = this.bySession.get(callee.id);
    if (own === undefined) this.bySession.set(callee.id, (own = new Set()));
    own.add(registration);
    return registration;
  }

  /** Removes a registration held by `callee`; false when it holds none with that id. */
  remove(callee: RealmMember, registrationId: number): boolean {
    const registration = this.byId.get(registrationId);
    if (registration === undefined || registration.callee !== callee) return false;
    this.detach(registration);
    const own = this.bySession.get(callee.id);
    own?.delete(registration);
    if (own?.size === 0) this.bySession.delete(callee.id);
    return true;
  }

  removeSession(sessionId: number): void {
    const own = this.bySession.get(sessionId);
    if (own === undefined) return;
    this.bySession.delete(sessionId);
    for (const registration of own) this.detach(registration);
  }

  lookup(procedure: string): Registration | undefined {
    return this.byProcedure.get(procedure);
  }

  get size(): number {
    return this.byId.size;
  }

  private detach(registration: Registration): void {
    this.byProcedure.delete(registration.procedure);
    this.byId.delete(registration.id);
  }
}
