// A bounded memory of recently ended progressive calls per caller, so that a chunk sent after
// the call ended is discarded rather than taken for a new call
// (spec: advanced/rpc_progressive_call_invocations.md, "grace period table" — bounded by count).
const PER_CALLER = 64;

export class RecentRequests {
  private readonly byCaller = new Map<number, number[]>();

  add(callerId: number, request: number): void {
    let list = this.byCaller.get(callerId);
    if (list === undefined) this.byCaller.set(callerId, (list = []));
    list.push(request);
    if (list.length > PER_CALLER) list.shift();
  }

  has(callerId: number, request: number): boolean {
    return this.byCaller.get(callerId)?.includes(request) ?? false;
  }

  forget(callerId: number): void {
    this.byCaller.delete(callerId);
  }
}
