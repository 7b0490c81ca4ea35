import { useEffect, useState } from 'preact/hooks';
import { pageClassOf } from './page-class.js';

/** The class the server gave this document (a meta tag it writes into every page). */
export function documentPageClass(): string {
  return document.querySelector('meta[name="taquilla-page-class"]')?.getAttribute('content') ?? pageClassOf(location.pathname);
}

/**
 * A tiny History API router: real URLs (shareable, reload-safe), no library. A move to a page of
 * another class (shop to checkout, checkout to account) loads that page from the server, with the
 * policy and widgets of its own class; back and forward across classes reload likewise.
 */
export function navigate(to: string, replace = false): void {
  const target = new URL(to, location.href);
  if (pageClassOf(target.pathname) !== documentPageClass()) {
    if (replace) location.replace(target.href);
    else location.assign(target.href);
    return;
  }
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => {
      if (pageClassOf(location.pathname) !== documentPageClass()) location.reload();
      else setPath(location.pathname);
    };
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

/** Matches `/events/:slug` style patterns; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** Intercepts clicks on same-origin links so they navigate without a reload. */
export function onLinkClick(event: MouseEvent): void {
  const link = (event.target as Element).closest('a');
  if (!link || link.target || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}
