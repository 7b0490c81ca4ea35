/**
 * Every HTML page Taquilla serves belongs to one page class, and the class decides its
 * Content-Security-Policy, which scripts may run on it (security/script-inventory.json) and
 * whether a third-party widget may appear. `payment` and `account` pages are where card details
 * and passwords are typed; `operator` is the console, where staff sign in.
 */
export const PAGE_CLASSES = ['payment', 'account', 'buyer', 'queue', 'operator'] as const;
export type PageClass = (typeof PAGE_CLASSES)[number];

/** Classes on which no widget ever appears, whatever the configuration says. */
export const WIDGET_FREE_CLASSES: readonly PageClass[] = ['payment', 'account', 'operator'];

/** Classes whose new CSP violation signatures open a `script_compromise` incident. */
export const GUARDED_CLASSES: readonly PageClass[] = ['payment', 'account'];

/** Which built HTML file serves each class. */
export const PAGE_FILES: Record<PageClass, string> = {
  payment: 'index.html',
  account: 'index.html',
  buyer: 'index.html',
  queue: 'queue.html',
  operator: 'console.html',
};

/**
 * The class of a page path. Checkout is a payment page; the fan's account pages (sign-in,
 * sign-up, reset, two-factor) are account pages; the rest of the shop is buyer pages.
 * The buyer app loads a new document whenever it crosses from one class to another, so a page
 * never keeps what another class allowed (web/src/shared/router.ts).
 */
export function pageClassOf(path: string): PageClass {
  const p = path.split('?')[0]!.split('#')[0]!;
  if (p === '/checkout' || p.startsWith('/checkout/')) return 'payment';
  if (p === '/account' || p.startsWith('/account/')) return 'account';
  if (p === '/queue' || p.startsWith('/queue/')) return 'queue';
  if (p === '/console' || p.startsWith('/console/')) return 'operator';
  return 'buyer';
}
