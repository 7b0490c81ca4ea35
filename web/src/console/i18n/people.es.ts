import type { peopleEn } from './people.en.js';

/** The console's texts in Spanish: Staff, API keys, the access review, my account and the audit log (staff/, access/, account/, audit/). Every key of people.en.ts. */
export const peopleEs: Record<keyof typeof peopleEn, string> = {};
