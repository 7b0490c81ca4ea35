/**
 * "Did you mean ana@gmail.com?": a likely slip in the domain of an email address, for the few
 * mail providers most fans use and the top-level-domain slips (.con, .cmo). Written here rather
 * than taken from mailcheck (unmaintained since 2015) because it is fifty lines and the checkout
 * bundle is sealed. It only suggests: an address it does not know is never called wrong.
 */
const KNOWN = [
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'hotmail.es',
  'hotmail.fr',
  'hotmail.co.uk',
  'outlook.com',
  'outlook.es',
  'live.com',
  'msn.com',
  'yahoo.com',
  'yahoo.es',
  'yahoo.fr',
  'yahoo.co.uk',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'mail.com',
  'email.com',
  'orange.fr',
  'online.no',
  'ziggo.nl',
];

/** Top-level domains typed wrong, with what was meant. `.co`, `.cm` and `.om` are real, so they are left alone. */
const TLD_SLIPS: Record<string, string> = {
  con: 'com',
  cmo: 'com',
  ocm: 'com',
  comm: 'com',
  coom: 'com',
  vom: 'com',
  xom: 'com',
  cpm: 'com',
  nte: 'net',
  ney: 'net',
  ogr: 'org',
  rog: 'org',
};

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The address with its domain corrected, or null when nothing looks mistyped. */
export function suggestEmail(email: string): string | null {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (KNOWN.includes(domain)) return null;
  // "gmail" with no top-level domain at all.
  if (!domain.includes('.')) {
    const whole = KNOWN.find((known) => known.startsWith(`${domain}.`));
    return whole ? `${local}@${whole}` : null;
  }
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN) {
    const d = distance(domain, known);
    // Short names sit close to other real domains (me.com, mac.com), so they get less room.
    const allowed = known.length >= 9 ? 2 : 1;
    if (d <= allowed && d < bestDistance) [best, bestDistance] = [known, d];
  }
  if (best) return `${local}@${best}`;
  const dot = domain.lastIndexOf('.');
  const tld = TLD_SLIPS[domain.slice(dot + 1)];
  return tld ? `${local}@${domain.slice(0, dot + 1)}${tld}` : null;
}
