// Which panel a paged slot shows (16:9 walls): a chart whose panel is in the slot but not on
// show keeps its instance and skips its repaints until it is shown again.
import { createContext } from 'react';

export interface PagedSlot {
  /** the panel on show, null where the layout has no paged slot */
  page: string | null;
  pages: readonly string[];
}

export const PagedSlotContext = createContext<PagedSlot>({ page: null, pages: [] });

/** true while `panel` waits hidden in the paged slot */
export function isPagedOut(slot: PagedSlot, panel: string): boolean {
  return slot.page !== null && slot.page !== panel && slot.pages.includes(panel);
}
