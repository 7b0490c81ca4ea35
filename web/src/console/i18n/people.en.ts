/** The console's texts in English: Staff, API keys, the access review, my account and the audit log (staff/, access/, account/, audit/). Spread into en.ts. */
export const peopleEn = {} satisfies Record<string, string>;
