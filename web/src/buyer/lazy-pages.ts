import { lazyPage } from './lazy.js';

export const PerformancePage = lazyPage(() => import('./pages/performance.js').then((m) => m.PerformancePage));
export const CheckoutPage = lazyPage(() => import('./pages/checkout.js').then((m) => m.CheckoutPage));
export const OrderPage = lazyPage(() => import('./pages/order.js').then((m) => m.OrderPage));
