/**
 * Source addresses in 127.0.0.0/8 (Linux answers on the whole /8 over loopback), so the server
 * sees each client as its own IP, as it would on the internet. The flood and the fans live in
 * different /24 prefixes, and both keep clear of 127.0.0.1 (the orchestrator's admin calls) and
 * of the queue bench's 127.20.0.0/16.
 */

/** The flood: `sources` addresses spread evenly over `prefixes` /24s, 127.66.0.0/24, 127.66.1.0/24, … */
export function floodAddresses(sources: number, prefixes: number): string[] {
  if (prefixes < 1 || prefixes > 256) throw new Error(`flood prefixes must be 1..256, got ${prefixes}`);
  const perPrefix = Math.ceil(sources / prefixes);
  if (perPrefix > 254) throw new Error(`${sources} flood sources do not fit in ${prefixes} /24s (at most 254 each)`);
  return Array.from({ length: sources }, (_, i) => `127.66.${i % prefixes}.${Math.floor(i / prefixes) + 1}`);
}

/** Fan `index`: `perPrefix` fans to a /24 in 127.30.0.0/16, as fans from many ISPs would be. */
export function fanAddress(index: number, perPrefix: number): string {
  const prefix = Math.floor(index / perPrefix);
  if (perPrefix < 1 || perPrefix > 254 || prefix > 255) throw new Error(`fan ${index} does not fit with ${perPrefix} fans per /24`);
  return `127.30.${prefix}.${(index % perPrefix) + 1}`;
}

export const prefixOf = (address: string) => `${address.split('.').slice(0, 3).join('.')}.0/24`;

/** The flood's request kinds and their weights (see flood.ts for what each sends). */
export const DEFAULT_MIX = 'home:10,events:20,join:20,status:30,hold:20';
