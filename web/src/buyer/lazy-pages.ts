import { lazyPage } from './lazy.js';

export const PerformancePage = lazyPage(() => import('./pages/performance.js').then((m) => m.PerformancePage));
export const CheckoutPage = lazyPage(() => import('./pages/checkout.js').then((m) => m.CheckoutPage));
export const OrderPage = lazyPage(() => import('./pages/order.js').then((m) => m.OrderPage));

// The account pages share one chunk, downloaded only by fans who open /account.
const account = () => import('./account/account-pages.js');
export const AccountPage = lazyPage(() => account().then((m) => m.AccountPage));
export const SignInPage = lazyPage(() => account().then((m) => m.SignInPage));
export const SignUpPage = lazyPage(() => account().then((m) => m.SignUpPage));
export const VerifyPage = lazyPage(() => account().then((m) => m.VerifyPage));
export const ForgotPage = lazyPage(() => account().then((m) => m.ForgotPage));
export const ResetPage = lazyPage(() => account().then((m) => m.ResetPage));
