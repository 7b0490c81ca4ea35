import type { ComponentChildren } from 'preact';
import { t } from '../i18n';
import { LanguageSwitch } from '../language-switch';

/** The frame of every page before the console itself: brand, language switch, one card. */
export function AuthCard(props: { title: string; children: ComponentChildren; testid: string; wide?: boolean }) {
  return (
    <main class="sign-in" id="main">
      <div class={`sign-in-card ${props.wide ? 'sign-in-card-wide' : ''}`} data-testid={props.testid}>
        <div class="auth-top">
          <div class="brand brand-dark">
            <span class="brand-mark" aria-hidden="true">
              T
            </span>{' '}
            Taquilla <span class="brand-sub">{t('auth.console')}</span>
          </div>
          <LanguageSwitch class="auth-language" />
        </div>
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </main>
  );
}

/** A refusal or failure on these pages, in the page's language. */
export function AuthError(props: { message: string | null; testid?: string }) {
  if (!props.message) return null;
  return (
    <div class="notice notice-error" role="alert" data-testid={props.testid ?? 'auth-error'}>
      <div class="notice-body">{props.message}</div>
    </div>
  );
}
