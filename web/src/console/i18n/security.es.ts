import type { securityEn } from './security.en.js';

/** The console's texts in Spanish: The shield, payment-page integrity, incidents and the outbox (shield/, integrity/, incidents/, outbox/). Every key of security.en.ts. */
export const securityEs: Record<keyof typeof securityEn, string> = {};
