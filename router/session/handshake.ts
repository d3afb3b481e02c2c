// HELLO → WELCOME | ABORT (spec: basic/sessions.md#session-establishment): the realm and the
// client's roles are checked here; authentication (CHALLENGE/AUTHENTICATE) is router/auth's.
import type { Dict, Hello } from '../../realms/protocol/messages.js';
import { ErrorUri } from '../../realms/protocol/uris.js';
import { isValidUri } from '../../realms/protocol/uri-check.js';
import type { RealmRegistry } from '../../realms/realm-registry.js';
import type { Realm } from '../../realms/realm.js';
import { routerRoles } from '../../realms/protocol/features.js';

const CLIENT_ROLES = ['publisher', 'subscriber', 'caller', 'callee'];

/** The router's agent string in WELCOME.Details.agent. */
export const AGENT = 'Sprocket-0.1.0';

export interface Identity {
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
}

export type HandshakeOutcome =
  | { ok: true; realm: Realm; roles: Dict }
  | { ok: false; reason: string; message: string };

function refuse(reason: string, message: string): HandshakeOutcome {
  return { ok: false, reason, message };
}

export function acceptHello(hello: Hello, realms: RealmRegistry): HandshakeOutcome {
  if (!isValidUri(hello.realm, 'loose')) return refuse(ErrorUri.invalidUri, `"${hello.realm}" is not a valid realm URI`);
  const realm = realms.get(hello.realm);
  if (realm === undefined) return refuse(ErrorUri.noSuchRealm, `no realm "${hello.realm}" on this router`);
  const roles = hello.details.roles;
  if (typeof roles !== 'object' || roles === null || Array.isArray(roles) || !CLIENT_ROLES.some((role) => role in roles)) {
    return refuse(
      ErrorUri.protocolViolation,
      'HELLO.Details.roles must be a dictionary announcing at least one of publisher, subscriber, caller, callee',
    );
  }
  // Authentication (the method, its credentials, the authrole) is router/auth's: realm-auth.ts.
  return { ok: true, realm, roles: roles as Dict };
}

/** WELCOME.Details: identity (with the role's and the method's authextra), agent and only the features that really work. */
export function welcomeDetails(identity: Identity, realm: Realm, authextra?: Dict): Dict {
  const details: Dict = { ...identity, agent: AGENT, roles: routerRoles(realm.meta !== undefined) };
  if (authextra !== undefined) details.authextra = authextra;
  return details;
}
