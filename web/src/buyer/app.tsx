import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { LOCALES, LOCALE_NAMES, setLocale, t, useLocale, type Locale } from '../shared/i18n.js';
import { match, onLinkClick, usePath } from '../shared/router.js';
import { CalmNotice } from './calm-notice.js';
import { AccountPage, CheckoutPage, ForgotPage, OrderPage, PerformancePage, ResetPage, SignInPage, SignUpPage, VerifyPage } from './lazy-pages.js';
import { EventPage } from './pages/event.js';
import { EventsPage } from './pages/events.js';
import { NotFound } from './pages/not-found.js';
import { AccountLink, markNavigated } from './ui.js';

/** The account pages: optional; guest checkout never needs one. */
const ACCOUNT_PAGES: Record<string, () => JSX.Element> = {
  '/account': () => <AccountPage />,
  '/account/sign-in': () => <SignInPage />,
  '/account/sign-up': () => <SignUpPage />,
  '/account/verify': () => <VerifyPage />,
  '/account/forgot': () => <ForgotPage />,
  '/account/reset': () => <ResetPage />,
};

function route(path: string) {
  if (path === '/' || path === '') return <EventsPage />;
  let params = match('/events/:slug', path);
  if (params) return <EventPage slug={params.slug!} />;
  if ((params = match('/performances/:id', path))) return <PerformancePage id={params.id!} />;
  if ((params = match('/checkout/:holdId', path))) return <CheckoutPage holdId={params.holdId!} />;
  if ((params = match('/orders/:id', path))) return <OrderPage id={params.id!} />;
  const account = ACCOUNT_PAGES[path.replace(/\/+$/, '') || '/'];
  if (account) return account();
  return <NotFound />;
}

function LanguageSwitcher({ locale }: { locale: Locale }) {
  return (
    <div class="language">
      <svg class="language-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" />
        <path d="M3 12h18M12 3c2.5 2.7 3.7 5.7 3.7 9s-1.2 6.3-3.7 9c-2.5-2.7-3.7-5.7-3.7-9S9.5 5.7 12 3z" />
      </svg>
      <label for="language-select" class="visually-hidden">
        {t('header.language')}
      </label>
      <select
        id="language-select"
        data-testid="language"
        value={locale}
        onChange={(event) => {
          void setLocale((event.currentTarget as HTMLSelectElement).value as Locale);
        }}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function App() {
  const path = usePath();
  const locale = useLocale();
  useEffect(() => {
    // Every popstate after the first render is a navigation (navigate() dispatches one too).
    addEventListener('popstate', markNavigated);
    return () => removeEventListener('popstate', markNavigated);
  }, []);
  return (
    // Links inside the app navigate without a reload; the handler only acts on same-origin <a>s,
    // which have their own keyboard behaviour.
    // biome-ignore lint/a11y/noStaticElementInteractions: delegated link clicks, see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: delegated link clicks, see above
    <div class="buyer" onClick={onLinkClick}>
      <a class="skip-link" href="#main">
        {t('header.skip')}
      </a>
      <header class="site-header">
        <div class="container header-inner">
          <a class="brand" href="/" data-testid="home">
            <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M3 6h18v4a2 2 0 0 0 0 4v4H3v-4a2 2 0 0 0 0-4z" />
            </svg>
            Taquilla
          </a>
          <div class="header-tools">
            <LanguageSwitcher locale={locale} />
            <AccountLink />
          </div>
        </div>
      </header>
      <CalmNotice />
      <main id="main" class="container main" key={path}>
        {route(path)}
      </main>
      <footer class="site-footer">
        <div class="container">
          <p>{t('footer.tagline')}</p>
          <p>{t('footer.payments')}</p>
        </div>
      </footer>
    </div>
  );
}
