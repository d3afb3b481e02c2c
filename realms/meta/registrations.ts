// Registration meta API: on_create / on_register / on_unregister / on_delete events and the
// list, lookup, match, get, list_callees, count_callees procedures, plus the remove_callee
// revocation trigger (a Sprocket/Crossbar extension, not in the spec).
// spec: advanced/meta_api_registrations.md
import type { Dict } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import type { RealmMember } from '../member.js';
import type { Registration } from '../dealer/registrations.js';
import {
  MetaErrorUri,
  idArg,
  isProtected,
  listsByMatch,
  matchOption,
  one,
  optionalDictArg,
  stringArg,
  type MetaContext,
  type MetaProcedure,
} from './procedure.js';
import { revocationReason } from './subscriptions.js';

/** RegistrationDetails (spec: #wampregistrationon_create), with the invocation policy. */
export function registrationDetails(registration: Registration): Dict {
  return {
    id: registration.id,
    created: registration.created.toISOString(),
    uri: registration.procedure,
    match: registration.match,
    invoke: registration.invoke,
  };
}

function callees(registration: Registration): RealmMember[] {
  return registration.callees.map((entry) => entry.member).filter((member) => member.internal !== true);
}

export class RegistrationMeta {
  constructor(private readonly context: MetaContext) {}

  // spec: #wampregistrationon_create — session, RegistrationDetails; always before on_register.
  created(member: RealmMember, registration: Registration): void {
    this.context.publish('wamp.registration.on_create', [member.id, registrationDetails(registration)]);
  }

  // spec: #wampregistrationon_register — session, registration id.
  registered(member: RealmMember, registration: Registration): void {
    this.context.publish('wamp.registration.on_register', [member.id, registration.id]);
  }

  // spec: #wampregistrationon_unregister — session, registration id; always before on_delete.
  unregistered(member: RealmMember, registration: Registration): void {
    this.context.publish('wamp.registration.on_unregister', [member.id, registration.id]);
  }

  // spec: #wampregistrationon_delete — the last session, registration id.
  deleted(member: RealmMember, registration: Registration): void {
    this.context.publish('wamp.registration.on_delete', [member.id, registration.id]);
  }

  procedures(): MetaProcedure[] {
    const table = this.context.realm.dealer.registrations;
    /** The registration a procedure asks about; wamp.* ones only for trusted callers (as Crossbar). */
    const registrationArg = (args: unknown[], caller: RealmMember): Registration => {
      const id = idArg(args, 0, 'registration');
      const registration = table.get(id);
      if (registration === undefined) throw noSuchRegistration(`no registration with ID ${id} exists on this dealer`);
      if (isProtected(registration.procedure, caller)) {
        throw new WampError(ErrorUri.notAuthorized, `not authorized to inspect the router's registration of "${registration.procedure}"`);
      }
      return registration;
    };
    return [
      // spec: #wampregistrationlist — [RegistrationLists]
      {
        uri: 'wamp.registration.list',
        handle: ({ caller }) => one(listsByMatch([...table.all()].filter((r) => !isProtected(r.procedure, caller)))),
      },
      // spec: #wampregistrationlookup — [registration id | null]
      {
        uri: 'wamp.registration.lookup',
        handle: ({ args, caller }) => {
          const procedure = stringArg(args, 0, 'procedure');
          const found = table.find(procedure, matchOption(optionalDictArg(args, 1, 'options')));
          return one(found === undefined || isProtected(found.procedure, caller) ? null : found.id);
        },
      },
      // spec: #wampregistrationmatch — [best matching registration id | null] (what a CALL would route to)
      {
        uri: 'wamp.registration.match',
        handle: ({ args, caller }) => {
          const found = table.route(stringArg(args, 0, 'procedure'));
          return one(found === undefined || isProtected(found.procedure, caller) ? null : found.id);
        },
      },
      // spec: #wampregistrationget — [RegistrationDetails] | wamp.error.no_such_registration
      { uri: 'wamp.registration.get', handle: ({ args, caller }) => one(registrationDetails(registrationArg(args, caller))) },
      // spec: #wampregistrationlist_callees — [session ids]
      {
        uri: 'wamp.registration.list_callees',
        handle: ({ args, caller }) => one(callees(registrationArg(args, caller)).map((member) => member.id)),
      },
      // spec: #wampregistrationcount_callees — [count]
      {
        uri: 'wamp.registration.count_callees',
        handle: ({ args, caller }) => one(callees(registrationArg(args, caller)).length),
      },
      // Extension (Crossbar's remove_callee): (registration, session, {reason}) → dealer.revoke;
      // calls in flight to that callee get wamp.error.canceled, and the callee gets UNREGISTERED
      // only if it announced registration_revocation (spec: advanced/rpc_registration_revocation.md).
      {
        uri: 'wamp.registration.remove_callee',
        privileged: true,
        handle: ({ args, kwargs, caller }) => {
          const sessionId = idArg(args, 1, 'session');
          const registration = registrationArg(args, caller);
          const member = this.context.realm.members.get(sessionId);
          if (member === undefined || member.internal === true) {
            throw new WampError(MetaErrorUri.noSuchSession, `no session with ID ${sessionId} exists in this realm`);
          }
          if (!registration.callees.some((entry) => entry.member === member)) {
            throw noSuchRegistration(`session ${sessionId} is not a callee of registration ${registration.id}`);
          }
          this.context.realm.dealer.revoke(member, registration, revocationReason(kwargs, 'wamp.registration.remove_callee'));
          return undefined;
        },
      },
    ];
  }
}

function noSuchRegistration(text: string): WampError {
  return new WampError(ErrorUri.noSuchRegistration, text);
}
