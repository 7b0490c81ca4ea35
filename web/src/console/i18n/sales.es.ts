import type { salesEn } from './sales.en.js';

/** The console's texts in Spanish: Performances, their sales and waiting room, and the box office (performances/, box-office/). Every key of sales.en.ts. */
export const salesEs: Record<keyof typeof salesEn, string> = {};
