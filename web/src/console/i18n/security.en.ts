/** The console's texts in English: The shield, payment-page integrity, incidents and the outbox (shield/, integrity/, incidents/, outbox/). Spread into en.ts. */
export const securityEn = {} satisfies Record<string, string>;
