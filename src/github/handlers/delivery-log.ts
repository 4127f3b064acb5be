/**
 * Delivery log: the webhook deliveries already handled in this process, by their `X-GitHub-Delivery` id.
 * Responsibilities: GitHub delivers at least once; a delivery seen before is not handled again (a reconcile would be
 * harmless, but a duplicated command would answer twice).
 * Not here: verifying deliveries (probot).
 * Invariants: bounded — past `limit` ids the oldest is forgotten.
 */
export interface DeliveryLog {
  /** True the first time `id` is seen. */
  firstTime(id: string): boolean;
}

export function createDeliveryLog(limit = 5000): DeliveryLog {
  const seen = new Set<string>();
  return {
    firstTime(id) {
      if (seen.has(id)) return false;
      seen.add(id);
      if (seen.size > limit) seen.delete(seen.values().next().value!);
      return true;
    },
  };
}
