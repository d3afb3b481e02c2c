// The client's address for the failed-attempt limit, logs and session details. Behind a trusted
// reverse proxy (listener `trustProxy: true`) the TCP peer is the proxy; the client is the last
// address the proxy appended to X-Forwarded-For. Without trustProxy the header is ignored: every
// client could write it.

export interface ClientAddress {
  /** For session details (`transport.peer`): `ip:port` of the TCP peer, or the forwarded client. */
  peer: string;
  /** The IP alone: the key of the per-address failed-attempt limit. */
  ip: string;
}

/** Strips the `:port` of `ip:port` (IPv6 addresses keep their inner colons). */
function withoutPort(remote: string): string {
  const colon = remote.lastIndexOf(':');
  if (colon <= 0) return remote;
  const port = remote.slice(colon + 1);
  return /^\d+$/.test(port) || port === '?' ? remote.slice(0, colon) : remote;
}

export function clientAddress(remote: string, forwardedFor: string | undefined, trustProxy: boolean): ClientAddress {
  if (trustProxy && forwardedFor !== undefined) {
    const hops = forwardedFor.split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
    const client = hops[hops.length - 1];
    if (client !== undefined) return { peer: client, ip: client };
  }
  return { peer: remote, ip: withoutPort(remote) };
}
