// spec: basic/sessions.md (role and feature announcement), advanced/features.md
/**
 * The roles and features the router announces in WELCOME. A feature is listed only once it
 * works end to end; later issues add to these lists.
 */
export const ROUTER_ROLES = {
  broker: {
    features: {
      pattern_based_subscription: true,
      subscriber_blackwhite_listing: true,
      publisher_exclusion: true,
      publisher_identification: true,
      event_retention: true,
      // realms/meta (advanced/meta_api*.md, pubsub_event_history.md, pubsub_subscription_revocation.md)
      session_meta_api: true,
      subscription_meta_api: true,
      event_history: true,
      subscription_revocation: true,
    } as Record<string, boolean>,
  },
  dealer: {
    features: {
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_timeout: true,
      call_canceling: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      registration_revocation: true,
      // realms/meta (advanced/meta_api*.md, pubsub_testament.md)
      session_meta_api: true,
      registration_meta_api: true,
      testament_meta_api: true,
    } as Record<string, boolean>,
  },
};

/** Features that exist only while a realm serves the meta API (its procedures answer them). */
export const META_FEATURES: ReadonlySet<string> = new Set([
  'session_meta_api',
  'subscription_meta_api',
  'registration_meta_api',
  'testament_meta_api',
  'event_history',
  'subscription_revocation',
]);

/** WELCOME.Details.roles for a realm, leaving out the meta features when it has no meta API. */
export function routerRoles(withMeta: boolean): Record<'broker' | 'dealer', { features: Record<string, boolean> }> {
  const pick = (features: Record<string, boolean>): Record<string, boolean> =>
    Object.fromEntries(Object.entries(features).filter(([name]) => withMeta || !META_FEATURES.has(name)));
  return { broker: { features: pick(ROUTER_ROLES.broker.features) }, dealer: { features: pick(ROUTER_ROLES.dealer.features) } };
}

/** Client roles (HELLO.Details.roles) as the router reads them. */
export type ClientRole = 'publisher' | 'subscriber' | 'caller' | 'callee';

/** True when a client announced `feature` under `role` in its HELLO. */
export function hasFeature(roles: Record<string, unknown> | undefined, role: ClientRole, feature: string): boolean {
  const entry = roles?.[role];
  if (typeof entry !== 'object' || entry === null) return false;
  const features = (entry as { features?: unknown }).features;
  return typeof features === 'object' && features !== null && (features as Record<string, unknown>)[feature] === true;
}
