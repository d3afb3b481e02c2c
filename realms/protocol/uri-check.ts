// spec: basic/building_blocks.md#uris
/**
 * How strictly URIs are checked. `loose` allows any non-empty components without
 * whitespace, `.` or `#`; `strict` allows only lower-case letters, digits and `_`.
 */
export type UriCheckMode = 'loose' | 'strict';

const LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const STRICT = /^([0-9a-z_]+\.)*([0-9a-z_]+)$/;

/** True when `uri` is a valid URI for an exact-match topic or procedure under `mode`. */
export function isValidUri(uri: string, mode: UriCheckMode): boolean {
  return (mode === 'strict' ? STRICT : LOOSE).test(uri);
}

/** True for URIs the router reserves for itself (`wamp.*`). */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}
