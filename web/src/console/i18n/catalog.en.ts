/** The console's texts in English: Events, venues and their seat maps, removing and archiving (events/, venues/, catalog/). Spread into en.ts. */
export const catalogEn = {} satisfies Record<string, string>;
