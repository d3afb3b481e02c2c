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
    } as Record<string, boolean>,
  },
};

/** Client roles (HELLO.Details.roles) as the router reads them. */
export type ClientRole = 'publisher' | 'subscriber' | 'caller' | 'callee';

/** True when a client announced `feature` under `role` in its HELLO. */
export function hasFeature(roles: Record<string, unknown> | undefined, role: ClientRole, feature: string): boolean {
  const entry = roles?.[role];
  if (typeof entry !== 'object' || entry === null) return false;
  const features = (entry as { features?: unknown }).features;
  return typeof features === 'object' && features !== null && (features as Record<string, unknown>)[feature] === true;
}
