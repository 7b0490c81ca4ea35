/**
 * The account pages, one chunk: only fans who open /account download them, with their styles
 * (account.css, emitted as the chunk's own CSS file). Their texts are loaded by lazy-pages.ts.
 */
import './account.css';

export { AccountPage } from './account-page.js';
export { ForgotPage, ResetPage } from './password-reset-pages.js';
export { SignInPage } from './sign-in-page.js';
export { SignUpPage } from './sign-up-page.js';
export { VerifyPage } from './verify-page.js';
