// spec: basic/uri_reference.md, advanced/uris.md
/** Error and close reason URIs the router sends. */
export const ErrorUri = {
  invalidUri: 'wamp.error.invalid_uri',
  noSuchProcedure: 'wamp.error.no_such_procedure',
  procedureAlreadyExists: 'wamp.error.procedure_already_exists',
  noSuchRegistration: 'wamp.error.no_such_registration',
  noSuchSubscription: 'wamp.error.no_such_subscription',
  invalidArgument: 'wamp.error.invalid_argument',
  // basic/uri_reference.md spells it with one "l"; one paragraph of the RPC text has two.
  canceled: 'wamp.error.canceled',
  notAuthorized: 'wamp.error.not_authorized',
  noSuchRealm: 'wamp.error.no_such_realm',
  noSuchRole: 'wamp.error.no_such_role',
  protocolViolation: 'wamp.error.protocol_violation',
  featureNotSupported: 'wamp.error.feature_not_supported',
  timeout: 'wamp.error.timeout',
  optionNotAllowed: 'wamp.error.option_not_allowed',
  // advanced/uris.md; one caller-identification example spells it differently.
  discloseMeDisallowed: 'wamp.error.option_disallowed.disclose_me',
  killed: 'wamp.close.killed',
  systemShutdown: 'wamp.close.system_shutdown',
  closeRealm: 'wamp.close.close_realm',
  goodbyeAndOut: 'wamp.close.goodbye_and_out',
} as const;

export type ErrorUriValue = (typeof ErrorUri)[keyof typeof ErrorUri];

/** URIs under this prefix are reserved for the router (basic/uri_reference.md). */
export const RESERVED_URI_PREFIX = 'wamp.';
