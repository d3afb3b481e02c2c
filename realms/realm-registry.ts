import { Realm, type RealmOptions } from './realm.js';

/** The realms a router serves, by name. Unknown realms are refused, never created on demand. */
export class RealmRegistry {
  private readonly realms = new Map<string, Realm>();

  add(options: RealmOptions): Realm {
    const existing = this.realms.get(options.name);
    if (existing !== undefined) return existing;
    const realm = new Realm(options);
    this.realms.set(options.name, realm);
    return realm;
  }

  get(name: string): Realm | undefined {
    return this.realms.get(name);
  }

  all(): IterableIterator<Realm> {
    return this.realms.values();
  }
}
