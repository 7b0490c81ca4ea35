import { loadAccountMessages } from '../shared/i18n.js';
import { lazyPage } from './lazy.js';

export const PerformancePage = lazyPage(() => import('./pages/performance.js').then((m) => m.PerformancePage));
export const CheckoutPage = lazyPage(() => import('./pages/checkout.js').then((m) => m.CheckoutPage));
export const OrderPage = lazyPage(() => import('./pages/order.js').then((m) => m.OrderPage));

// The account pages share one chunk, downloaded only by fans who open /account, with their own
// texts (and styles, imported by the chunk): both are in before the first account page renders.
const account = () => Promise.all([import('./account/account-pages.js'), loadAccountMessages()]).then(([m]) => m);
export const AccountPage = lazyPage(() => account().then((m) => m.AccountPage));
export const SignInPage = lazyPage(() => account().then((m) => m.SignInPage));
export const SignUpPage = lazyPage(() => account().then((m) => m.SignUpPage));
export const VerifyPage = lazyPage(() => account().then((m) => m.VerifyPage));
export const ForgotPage = lazyPage(() => account().then((m) => m.ForgotPage));
export const ResetPage = lazyPage(() => account().then((m) => m.ResetPage));
