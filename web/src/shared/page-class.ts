/**
 * The page class of a path, as the server decides it (src/security/page-classes.ts, which a test
 * keeps in step with this copy). Each class has its own Content-Security-Policy and its own
 * widgets, so moving from one class to another loads a new document from the server rather than
 * re-rendering this one: a checkout page never keeps a widget frame or a policy from the shop.
 */
export function pageClassOf(path: string): string {
  const p = path.split('?')[0]!.split('#')[0]!;
  if (p === '/checkout' || p.startsWith('/checkout/')) return 'payment';
  if (p === '/account' || p.startsWith('/account/')) return 'account';
  if (p === '/queue' || p.startsWith('/queue/')) return 'queue';
  if (p === '/console' || p.startsWith('/console/')) return 'operator';
  return 'buyer';
}
