/** The console's texts in English: Performances, their sales and waiting room, and the box office (performances/, box-office/). Spread into en.ts. */
export const salesEn = {} satisfies Record<string, string>;
