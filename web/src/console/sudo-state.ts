/**
 * A request for sudo mode: an operator route answered 403 `sudo_required`, so the console asks for
 * the second factor again (the dialog in sudo.tsx) and the call is retried once confirmed. Calls
 * that need it at the same moment share one dialog.
 */
let pending: Promise<boolean> | null = null;
let finish: ((ok: boolean) => void) | null = null;
const listeners = new Set<(open: boolean) => void>();

export function confirmSudo(): Promise<boolean> {
  if (!pending) {
    pending = new Promise<boolean>((resolve) => {
      finish = (ok) => {
        pending = null;
        finish = null;
        for (const listener of listeners) listener(false);
        resolve(ok);
      };
    });
    for (const listener of listeners) listener(true);
  }
  return pending;
}

/** The dialog says how it ended: confirmed (retry) or cancelled (the call fails with its 403). */
export function endSudo(ok: boolean): void {
  finish?.(ok);
}

export function onSudoRequest(listener: (open: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
