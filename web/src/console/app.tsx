import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { match, navigate, onLinkClick, usePath } from '../shared/router';
import { EnrolPage } from './auth/enrol-page';
import { holdsInvitation, InvitePage } from './auth/invite-page';
import { SignInPage } from './auth/sign-in-page';
import { EventPage } from './events/event-page';
import { EventsPage } from './events/events-page';
import { NewEventPage } from './events/new-event-page';
import { Icon } from './icons';
import { lazy } from './lazy';
import { homeHref, mayOpen, type Section, visibleNav } from './nav';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { OutboxMessagePage } from './outbox/outbox-message-page';
import { OutboxPage } from './outbox/outbox-page';
import { NewPerformancePage } from './performances/new-performance-page';
import { PerformancePage } from './performances/performance-page';
import { roleLabel } from './permissions';
import { ScannerPage } from './scanner/scanner-page';
import { type Me, refreshSession, signOut, useSession } from './session';
import { ShieldPage } from './shield/shield-page';
import { SudoDialog } from './sudo';
import { describeError, Empty, Loading, PageHeader } from './ui';
import { t, useLocale } from './i18n';
import { LanguageSwitch } from './language-switch';
import { VenueImportPage } from './venues/venue-import-page';
import { VenuePage } from './venues/venue-page';
import { VenuesPage } from './venues/venues-page';

// Pages most roles never open, each in its own chunk.
const StaffPage = lazy(() => import('./staff/staff-page').then((m) => m.StaffPage));
const ApiKeysPage = lazy(() => import('./access/api-keys-page').then((m) => m.ApiKeysPage));
const AccessReviewPage = lazy(() => import('./access/access-review-page').then((m) => m.AccessReviewPage));
const AuditPage = lazy(() => import('./audit/audit-page').then((m) => m.AuditPage));
const IntegrityPage = lazy(() => import('./integrity/integrity-page').then((m) => m.IntegrityPage));
const IncidentsPage = lazy(() => import('./incidents/incidents-pages').then((m) => m.IncidentsPage));
const IncidentPage = lazy(() => import('./incidents/incidents-pages').then((m) => m.IncidentPage));
const AccountPage = lazy(() => import('./account/account-page').then((m) => m.AccountPage));
const BoxOfficePage = lazy(() => import('./box-office/box-office-page').then((m) => m.BoxOfficePage));

type Route = [pattern: string, section: Section, render: (params: Record<string, string>) => ComponentChildren];

const routes: Route[] = [
  ['/console/events', 'events', () => <EventsPage />],
  ['/console/events/new', 'events', () => <NewEventPage />],
  ['/console/events/:id', 'events', (p) => <EventPage id={p.id!} />],
  ['/console/events/:id/performances/new', 'events', (p) => <NewPerformancePage eventId={p.id!} />],
  ['/console/events/:eventId/performances/:id', 'events', (p) => <PerformancePage key={p.id} eventId={p.eventId!} id={p.id!} />],
  ['/console/events/:eventId/performances/:id/box-office', 'events', (p) => <BoxOfficePage key={p.id} eventId={p.eventId!} id={p.id!} />],
  ['/console/venues', 'venues', () => <VenuesPage />],
  ['/console/venues/new', 'venues', () => <VenueImportPage />],
  ['/console/venues/:id', 'venues', (p) => <VenuePage id={p.id!} />],
  ['/console/orders', 'orders', () => <OrdersPage />],
  ['/console/orders/:id', 'orders', (p) => <OrderPage key={p.id} id={p.id!} />],
  ['/console/scanner', 'scanner', () => <ScannerPage />],
  ['/console/outbox', 'outbox', () => <OutboxPage />],
  ['/console/outbox/:id', 'outbox', (p) => <OutboxMessagePage id={p.id!} />],
  ['/console/shield', 'shield', () => <ShieldPage />],
  ['/console/integrity', 'integrity', () => <IntegrityPage />],
  ['/console/incidents', 'incidents', () => <IncidentsPage />],
  ['/console/incidents/:id', 'incidents', (p) => <IncidentPage key={p.id} id={p.id!} />],
  ['/console/audit', 'audit', () => <AuditPage />],
  ['/console/staff', 'staff', () => <StaffPage />],
  ['/console/api-keys', 'keys', () => <ApiKeysPage />],
  ['/console/access-review', 'review', () => <AccessReviewPage />],
  ['/console/account', 'account', () => <AccountPage />],
];

function resolve(path: string): { section: Section | null; page: ComponentChildren } {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, section, render] of routes) {
    const params = match(pattern, clean);
    if (!params) continue;
    if (!mayOpen(section)) {
      return {
        section: null,
        page: (
          <>
            <PageHeader title={t('shell.notAllowedTitle')} />
            <Empty title={t('shell.notAllowedText')}>
              <a class="btn btn-secondary" href={homeHref()} data-testid="go-home">
                {t('shell.goHome')}
              </a>
            </Empty>
          </>
        ),
      };
    }
    return { section, page: render(params) };
  }
  return {
    section: null,
    page: (
      <>
        <PageHeader title={t('shell.notFoundTitle')} />
        <Empty title={t('shell.notFoundText')}>
          <a class="btn btn-secondary" href={homeHref()}>
            {t('shell.goHome')}
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

/**
 * Who is here decides what shows: nobody (sign in), a password without its second factor (the
 * second step), an account without a factor (enrolment), an invitation link (set a password), or
 * a signed-in person (the console, with the sections their role may use).
 */
export function App() {
  // The whole console redraws in the new language when the switch is used.
  useLocale();
  const session = useSession();
  const path = usePath();
  const invite = path.replace(/\/+$/, '') === '/console/invite';

  if (session.status === 'loading') {
    return (
      <main class="sign-in" id="main">
        <Loading />
      </main>
    );
  }
  if (session.status === 'error') {
    return (
      <main class="sign-in" id="main">
        <div class="sign-in-card">
          <h1>{t('shell.unreachable')}</h1>
          <p class="muted">{describeError(session.error).title}</p>
          <button type="button" class="btn btn-primary" onClick={() => refreshSession()}>
            {t('shell.tryAgain')}
          </button>
        </div>
      </main>
    );
  }
  if (invite && holdsInvitation()) return <InvitePage />;
  if (session.status === 'ready' && session.state === 'enrol') return <EnrolPage />;
  if (invite) return <InvitePage />;
  if (session.status === 'signed_out') return <SignInPage key="out" reason={session.reason} partial={false} />;
  if (session.state === 'password') return <SignInPage key="partial" reason={null} partial />;
  return (
    <>
      <Shell me={session} path={path} />
      <SudoDialog />
    </>
  );
}

function Shell(props: { me: Me; path: string }) {
  const main = useRef<HTMLElement>(null);
  const { path, me } = props;
  const home = path === '/console' || path === '/console/';

  useEffect(() => {
    if (home) navigate(homeHref(), true);
  }, [home]);
  // After navigating, move focus to the new page (unless the page focused something itself).
  useEffect(() => {
    const active = document.activeElement;
    if (main.current && (!active || active === document.body || !main.current.contains(active))) main.current.focus({ preventScroll: true });
  }, [path]);

  const { section, page } = home ? { section: null, page: <Loading /> } : resolve(path);
  const nav = visibleNav();
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
        {t('shell.skip')}
      </a>
      <aside class="sidebar">
        <a class="brand" href={homeHref()}>
          <span class="brand-mark" aria-hidden="true">
            T
          </span>{' '}
          Taquilla <span class="brand-sub">{t('shell.console')}</span>
        </a>
        <nav aria-label={t('shell.console')}>
          <ul data-testid="nav">
            {nav.map((item) => (
              <li key={item.href}>
                <a href={item.href} class="nav-link" aria-current={section === item.section ? 'page' : undefined} data-testid={`nav-${item.section}`}>
                  <Icon name={item.icon} /> <span>{t(item.label)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="sidebar-foot">
          <LanguageSwitch class="sidebar-language" />
          <a
            href="/console/account"
            class="nav-link who"
            aria-current={section === 'account' ? 'page' : undefined}
            data-testid="nav-account"
            title={`${me.staff.email} · ${roleLabel(me.staff.role)}`}
          >
            <Icon name="account" />{' '}
            <span class="who-text">
              <span class="who-name" data-testid="who-name">
                {me.staff.name || me.staff.email}
              </span>
              <span class="who-role" data-testid="who-role">
                {roleLabel(me.staff.role)}
              </span>
            </span>
          </a>
          <button type="button" class="sign-out" data-testid="sign-out" onClick={() => signOut(t('shell.signedOut'))}>
            <Icon name="signout" /> <span>{t('shell.signOut')}</span>
          </button>
        </div>
      </aside>
      <main id="main" class="main" tabIndex={-1} ref={main}>
        {page}
      </main>
    </div>
  );
}
