import type { Db } from '../platform/transaction.js';
import type { Alerts } from './alerts.js';
import { addIncidentEvent, openIncident } from './incidents.repository.js';

export const SCRIPT_COMPROMISE = 'script_compromise';

/**
 * The incident of kind `script_compromise`: code that is not ours tried to run on a payment or
 * account page (a new CSP violation signature there), or what browsers receive on those pages no
 * longer matches the registered build (the tamper check). The first sign opens the incident and
 * alerts (webhook and email, like the shield's incidents); later signs join its timeline, and
 * alert again at most once a minute from a process, so a flood of forged reports cannot become a
 * flood of pages to the people on call.
 */
export function createScriptCompromise(opts: { db: Db; alerts: Alerts; log: (message: string, error?: unknown) => void; realertMs?: number }) {
  let lastAlert = 0;
  const realertMs = opts.realertMs ?? 60_000;
  return {
    /** Records one sign; answers the incident id. Never throws into the caller's path: failures are logged. */
    async sign(what: string, summary: string, details: Record<string, unknown>): Promise<string | undefined> {
      try {
        const incident = await openIncident(opts.db, SCRIPT_COMPROMISE, summary);
        await addIncidentEvent(opts.db, incident.id, what, details);
        const now = Date.now();
        if (incident.opened || now - lastAlert >= realertMs) {
          lastAlert = now;
          void opts.alerts.send({
            incidentId: incident.id,
            kind: SCRIPT_COMPROMISE,
            what: incident.opened ? 'detected' : what,
            summary,
            at: new Date(),
            details,
          });
        }
        return incident.id;
      } catch (error) {
        opts.log('script compromise could not be recorded', error);
        return undefined;
      }
    },
  };
}
export type ScriptCompromise = ReturnType<typeof createScriptCompromise>;
