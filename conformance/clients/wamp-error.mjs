// The one error shape every adapter rejects with, and that handlers throw to raise an application error.
export class WampCallError extends Error {
  /**
   * @param {string} uri   WAMP error URI, or `client:<name>` for an error raised inside the client library
   * @param {unknown[]} [args]
   * @param {Record<string, unknown>} [kwargs]
   */
  constructor(uri, args = [], kwargs = {}) {
    super(`${uri} ${JSON.stringify(args)}${Object.keys(kwargs).length ? ' ' + JSON.stringify(kwargs) : ''}`);
    this.name = 'WampCallError';
    this.uri = uri;
    this.args = args;
    this.kwargs = kwargs;
  }
}

/** A non-WAMP failure inside a client library (thrown strings, local validation errors, closed sockets). */
export function clientError(error) {
  const name = error?.name ?? typeof error;
  const message = error?.message ?? String(error);
  return new WampCallError(`client:${name}`, [message]);
}

/**
 * Thrown when a client library cannot express what a scenario needs (an adapter's LIMITS entry):
 * the cell reads `n/a` with this reason instead of PASS or FAIL.
 */
export class NotApplicable extends Error {
  /** @param {string} reason  says which library lacks what, and why */
  constructor(reason) {
    super(reason);
    this.name = 'NotApplicable';
  }
}

/** A promise with its resolve/reject exposed. */
export function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
