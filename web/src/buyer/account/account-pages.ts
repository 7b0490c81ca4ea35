/**
 * The account pages, one chunk: only fans who open /account download them, with their styles.
 * Their texts are loaded by lazy-pages.ts. The styles travel inside this script and are adopted
 * as a constructed stylesheet, so the import map's integrity check covers them too (a lazily
 * added <link rel=stylesheet> could carry no integrity attribute).
 */
import css from './account.css?inline';

const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

export { AccountPage } from './account-page.js';
export { ForgotPage, ResetPage } from './password-reset-pages.js';
export { SignInPage } from './sign-in-page.js';
export { SignUpPage } from './sign-up-page.js';
export { VerifyPage } from './verify-page.js';
