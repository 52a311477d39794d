// A per-client budget as every limiter counts it: the client's own bucket, and its IPv6 /56's
// and /48's at the multiples in settings.ts, so hopping between /64s of one allocation hits a cap.
import { clientKey, clientNetworks } from "./keys";
import { IPV6_NETWORK_MULTIPLIERS } from "./settings";

/** One per-client budget: the client's own counter, and its IPv6 /56's and /48's. */
export interface ClientCounters<C> {
  client: C;
  slash56: C;
  slash48: C;
}

/** The three counters of one per-client budget, `make` called with each one's name and size. */
export function perClient<C>(
  make: (name: string, points: number, duration: number) => C,
  name: string,
  points: number,
  duration: number,
): ClientCounters<C> {
  return {
    client: make(name, points, duration),
    slash56: make(`${name}-56`, points * IPV6_NETWORK_MULTIPLIERS.slash56, duration),
    slash48: make(`${name}-48`, points * IPV6_NETWORK_MULTIPLIERS.slash48, duration),
  };
}

/** The charges a client's request makes against one per-client budget. */
export function clientCharges<C>(counters: ClientCounters<C>, ip: string | null) {
  const charges: { counter: C; key: string }[] = [{ counter: counters.client, key: clientKey(ip) }];
  const networks = clientNetworks(ip);
  if (networks) {
    charges.push(
      { counter: counters.slash56, key: networks.slash56 },
      { counter: counters.slash48, key: networks.slash48 },
    );
  }
  return charges;
}
