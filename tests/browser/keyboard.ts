/** Keyboard-only moves: Tab until the focus is where the test wants it, as a keyboard user would. */
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';

interface FocusView {
  testId: string | null;
  id: string;
  seatId: string | null;
  tag: string;
}

/** What has the focus in the page (or the frame) right now; the callback runs in the browser. */
export function focused(target: Page | Frame): Promise<FocusView | null> {
  return target.evaluate(() => {
    type El = { getAttribute(name: string): string | null; id: string; tagName: string };
    const doc = (globalThis as unknown as { document: { activeElement: El | null; hasFocus(): boolean } }).document;
    const el = doc.activeElement;
    if (!el || !doc.hasFocus()) return null;
    return { testId: el.getAttribute('data-testid'), id: el.id, seatId: el.getAttribute('data-seat-id'), tag: el.tagName.toLowerCase() };
  });
}

/** Presses Tab until `wanted` holds for the focused element of `where` (the page or a frame). */
export async function tabTo(page: Page, wanted: (focus: FocusView) => boolean, where: Page | Frame = page, max = 40): Promise<FocusView> {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focus = await focused(where);
    if (focus && wanted(focus)) return focus;
    path.push(focus ? (focus.testId ?? (focus.id || focus.tag)) : '(elsewhere)');
  }
  return assert.fail(`Tab never reached the wanted element; it went through ${path.join(' > ')}`);
}

export const byTestId = (testId: string) => (focus: FocusView) => focus.testId === testId;
export const byId = (id: string) => (focus: FocusView) => focus.id === id;
