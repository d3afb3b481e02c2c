// spec: basic/sessions.md (role and feature announcement), advanced/features.md
/**
 * The roles and features the router announces in WELCOME. A feature is listed only once it
 * works end to end; later issues add to these lists.
 */
export const ROUTER_ROLES = {
  broker: { features: {} as Record<string, boolean> },
  dealer: { features: {} as Record<string, boolean> },
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
