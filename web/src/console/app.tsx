import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { match, onLinkClick, usePath } from '../shared/router';
import { EventPage } from './events/event-page';
import { EventsPage } from './events/events-page';
import { NewEventPage } from './events/new-event-page';
import { Icon, type IconName } from './icons';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { OutboxMessagePage } from './outbox/outbox-message-page';
import { OutboxPage } from './outbox/outbox-page';
import { NewPerformancePage } from './performances/new-performance-page';
import { PerformancePage } from './performances/performance-page';
import { ScannerPage } from './scanner/scanner-page';
import { signOut, useSession } from './session';
import { ShieldPage } from './shield/shield-page';
import { SignIn } from './sign-in';
import { Empty, PageHeader } from './ui';
import { VenueImportPage } from './venues/venue-import-page';
import { VenuePage } from './venues/venue-page';
import { VenuesPage } from './venues/venues-page';

type Route = [pattern: string, section: IconName, render: (params: Record<string, string>) => ComponentChildren];

const routes: Route[] = [
  ['/console', 'events', () => <EventsPage />],
  ['/console/events', 'events', () => <EventsPage />],
  ['/console/events/new', 'events', () => <NewEventPage />],
  ['/console/events/:id', 'events', (p) => <EventPage id={p.id!} />],
  ['/console/events/:id/performances/new', 'events', (p) => <NewPerformancePage eventId={p.id!} />],
  ['/console/events/:eventId/performances/:id', 'events', (p) => <PerformancePage key={p.id} eventId={p.eventId!} id={p.id!} />],
  ['/console/venues', 'venues', () => <VenuesPage />],
  ['/console/venues/new', 'venues', () => <VenueImportPage />],
  ['/console/venues/:id', 'venues', (p) => <VenuePage id={p.id!} />],
  ['/console/orders', 'orders', () => <OrdersPage />],
  ['/console/orders/:id', 'orders', (p) => <OrderPage key={p.id} id={p.id!} />],
  ['/console/scanner', 'scanner', () => <ScannerPage />],
  ['/console/outbox', 'outbox', () => <OutboxPage />],
  ['/console/outbox/:id', 'outbox', (p) => <OutboxMessagePage id={p.id!} />],
  ['/console/shield', 'shield', () => <ShieldPage />],
];

const nav: { href: string; section: IconName; label: string }[] = [
  { href: '/console/events', section: 'events', label: 'Events' },
  { href: '/console/venues', section: 'venues', label: 'Venues' },
  { href: '/console/orders', section: 'orders', label: 'Orders' },
  { href: '/console/scanner', section: 'scanner', label: 'Door scanner' },
  { href: '/console/outbox', section: 'outbox', label: 'Outbox' },
  { href: '/console/shield', section: 'shield', label: 'Shield' },
];

function resolve(path: string): { section: IconName | null; page: ComponentChildren } {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, section, render] of routes) {
    const params = match(pattern, clean);
    if (params) return { section, page: render(params) };
  }
  return {
    section: null,
    page: (
      <>
        <PageHeader title="Page not found" />
        <Empty title="There is no console page at this address.">
          <a class="btn btn-secondary" href="/console/events">
            Go to events
          </a>
        </Empty>
      </>
    ),
  };
}

function onClick(event: MouseEvent): void {
  const link = (event.target as Element).closest('a');
  if (link?.getAttribute('href')?.startsWith('#')) return;
  onLinkClick(event);
}

export function App() {
  const session = useSession();
  const path = usePath();
  const main = useRef<HTMLElement>(null);

  // After navigating, move focus to the new page (unless the page focused something itself).
  useEffect(() => {
    const active = document.activeElement;
    if (main.current && (!active || active === document.body || !main.current.contains(active))) main.current.focus({ preventScroll: true });
  }, [path]);

  if (!session.token) return <SignIn reason={session.reason} />;
  const { section, page } = resolve(path);
  return (
    // Same-origin links navigate without a reload (delegated; links keep their own keyboard behaviour).
    // biome-ignore lint/a11y/noStaticElementInteractions: delegated link clicks, see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: delegated link clicks, see above
    <div class="shell" onClick={onClick}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link with a real target; the handler only moves focus without scrolling the URL */}
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <aside class="sidebar">
        <a class="brand" href="/console/events">
          <span class="brand-mark" aria-hidden="true">
            T
          </span>{' '}
          Taquilla <span class="brand-sub">Console</span>
        </a>
        <nav aria-label="Console">
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <a href={item.href} class="nav-link" aria-current={section === item.section ? 'page' : undefined} data-testid={`nav-${item.section}`}>
                  <Icon name={item.section} /> <span>{item.label}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="sign-out" data-testid="sign-out" onClick={() => signOut(null)}>
          <Icon name="signout" /> <span>Sign out</span>
        </button>
      </aside>
      <main id="main" class="main" tabIndex={-1} ref={main}>
        {page}
      </main>
    </div>
  );
}
