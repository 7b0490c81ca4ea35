/**
 * axe-core in the browser tests: the rules of WCAG 2.2 A and AA (and axe's best practices) run
 * over the page as it is, after the test's own steps. The library comes in through DevTools
 * (page.evaluate), so the page's Content Security Policy and Trusted Types do not apply to it and
 * no policy has to be loosened for the test. Frames from other origins (the card form) are
 * checked on their own with `frame`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Waits (up to two seconds) for the page's finite animations and transitions to end: a button
 * fading from its busy look back to its own colours is checked in those colours, not halfway.
 */
async function settled(target: Page | Frame): Promise<void> {
  type Doc = { getAnimations?(): { playState: string; effect: { getComputedTiming(): { endTime?: number | string } } | null }[] };
  await target
    .waitForFunction(
      () =>
        ((globalThis as unknown as { document: Doc }).document.getAnimations?.() ?? []).every(
          (a) => a.playState !== 'running' || !Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Number.POSITIVE_INFINITY)),
        ),
      undefined,
      { timeout: 2000, polling: 50 },
    )
    // Still moving after that: check the page as it is.
    .catch(() => undefined);
}

/** The page's (or frame's) violations, one line each: rule, impact, help, and up to three elements. */
export async function axeViolations(target: Page | Frame): Promise<string[]> {
  await settled(target);
  const loaded = await target.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await target.evaluate(source);
  const violations = await target.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
      iframes: false,
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.map(
    (v: AxeViolation) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
  );
}

/** Fails with every violation listed, naming the state of the page that was checked. */
export async function expectAccessible(target: Page | Frame, state: string): Promise<void> {
  const violations = await axeViolations(target);
  assert.deepEqual(violations, [], `axe-core found violations on ${state}:\n  ${violations.join('\n  ')}`);
}
