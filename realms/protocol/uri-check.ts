// spec: basic/building_blocks.md#uris
/**
 * How strictly URIs are checked. `loose` allows any non-empty components without
 * whitespace, `.` or `#`; `strict` allows only lower-case letters, digits and `_`.
 */
export type UriCheckMode = 'loose' | 'strict';

const LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const STRICT = /^([0-9a-z_]+\.)*([0-9a-z_]+)$/;
// Patterns (prefix and wildcard subscriptions/registrations) may have empty components.
const LOOSE_PATTERN = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
const STRICT_PATTERN = /^(([0-9a-z_]+\.)|\.)*([0-9a-z_]+)?$/;

/**
 * True when `uri` is valid under `mode`: a concrete URI for `exact` (the default), a pattern
 * with possibly empty components for `prefix` and `wildcard`.
 */
export function isValidUri(uri: string, mode: UriCheckMode, match: 'exact' | 'prefix' | 'wildcard' = 'exact'): boolean {
  if (match === 'exact') return (mode === 'strict' ? STRICT : LOOSE).test(uri);
  return uri.length > 0 && (mode === 'strict' ? STRICT_PATTERN : LOOSE_PATTERN).test(uri);
}

/** True for URIs the router reserves for itself (`wamp.*`). */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}
