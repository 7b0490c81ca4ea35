/**
 * The crowd's source addresses, in 127.100.0.0/14 (Linux answers on the whole of 127.0.0.0/8 over
 * loopback), clear of the other benches' ranges (127.1–2, 127.20, 127.30, 127.40, 127.66): address
 * `index`, `perPrefix` addresses to a /24, as fans of many carriers would be.
 */
export function crowdAddress(index: number, perPrefix: number): string {
  if (!Number.isInteger(perPrefix) || perPrefix < 1 || perPrefix > 254) throw new Error(`--per-prefix must be 1..254, got ${perPrefix}`);
  const prefix = Math.floor(index / perPrefix);
  if (prefix >= 4 * 256) throw new Error(`crowd address ${index} does not fit in 127.100.0.0/14 at ${perPrefix} per /24`);
  return `127.${100 + Math.floor(prefix / 256)}.${prefix % 256}.${(index % perPrefix) + 1}`;
}

/** The fans process prints a line starting with this every 2 s: `{"inLine":…,"purchased":…}`, where the fans are now. */
export const PROGRESS = '@@crowd ';
