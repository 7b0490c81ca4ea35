import type { Alerts } from '../security/alerts.js';
import { addIncidentEvent, openIncident, openIncidentId, resolveIncident } from '../security/incidents.repository.js';
import type { Db } from '../platform/transaction.js';
import type { Finding, FindingKind } from './detector.js';

/** How each kind of attack is told: its incident's summary, and what the shield did about it. */
export interface AttackKindOptions {
  summary: (finding: Finding) => string;
  /** Events recorded after `detected` (shield mode turned on, for a flood). */
  response?: () => { what: string; details: Record<string, unknown> }[];
  /** Appended to the first alert's summary. */
  alertNote?: () => string;
}

/**
 * The incidents the detector's findings open: one per kind of attack (a flood, admin token
 * guessing), each opened on its first finding with an alert, kept while findings go on, and
 * resolved with another alert after `calmSeconds` without one. Incident bookkeeping runs one
 * step at a time, off the request path; failures are logged. The incidents table lets one
 * incident per kind be open across processes: a process that finds one already open adds its own
 * `detected_by_another_process` event and sends no second alert.
 */
export function createAttackIncidents(opts: {
  db: Db;
  alerts: Alerts;
  log: (message: string, error?: unknown) => void;
  calmSeconds: number;
  kinds: Record<FindingKind, AttackKindOptions>;
  /** Called when a kind starts or stops being detected. */
  changed: () => void;
}) {
  const { db, log } = opts;
  const detected = new Map<FindingKind, { since: number; reason: string; lastSeen: number }>();
  let work: Promise<unknown> = Promise.resolve();

  const record = (step: () => Promise<void>) => {
    work = work.then(step).catch((error) => log('shield incident could not be recorded', error));
  };
  const alert = (kind: FindingKind, incidentId: string, what: string, summary: string, details?: Record<string, unknown>) => {
    void opts.alerts.send({ incidentId, kind, what, summary, at: new Date(), details });
  };

  function seen(finding: Finding, now: number, traffic: Record<string, unknown>): void {
    const known = detected.get(finding.kind);
    if (known) {
      known.lastSeen = now;
      return;
    }
    detected.set(finding.kind, { since: now, reason: finding.reason, lastSeen: now });
    opts.changed();
    const kind = opts.kinds[finding.kind];
    const summary = kind.summary(finding);
    const response = kind.response?.() ?? [];
    log(`shield: ${finding.kind.replace(/_/g, ' ')} detected (${finding.reason})${response.map((r) => `; ${r.what.replace(/_/g, ' ')}`).join('')}`);
    record(async () => {
      const incident = await openIncident(db, finding.kind, summary);
      await addIncidentEvent(db, incident.id, incident.opened ? 'detected' : 'detected_by_another_process', {
        rule: finding.rule,
        reason: finding.reason,
        pid: process.pid,
        traffic,
      });
      for (const r of response) await addIncidentEvent(db, incident.id, r.what, { pid: process.pid, ...r.details });
      if (incident.opened) alert(finding.kind, incident.id, 'detected', `${summary}.${kind.alertNote ? ` ${kind.alertNote()}` : ''}`, { traffic });
    });
  }

  function calm(kind: FindingKind, now: number): void {
    const was = detected.get(kind)!;
    detected.delete(kind);
    opts.changed();
    log(`shield: ${kind.replace(/_/g, ' ')} over; back to normal`);
    record(async () => {
      const id = await openIncidentId(db, kind);
      if (!id) return;
      await addIncidentEvent(db, id, 'back_to_normal', {
        pid: process.pid,
        lastAttackSecondAt: new Date(was.lastSeen).toISOString(),
        calmSeconds: opts.calmSeconds,
        at: new Date(now).toISOString(),
      });
      const resolved = await resolveIncident(db, kind);
      const note = opts.kinds[kind].alertNote;
      if (resolved) alert(kind, resolved, 'back_to_normal', `Back to normal after ${Math.round((now - was.since) / 1000)} s.${note ? ` ${note()}` : ''}`);
    });
  }

  return {
    /** This second's findings; a kind not found for `calmSeconds` is over. */
    update(findings: Finding[], now: number, traffic: Record<string, unknown>): void {
      for (const finding of findings) seen(finding, now, traffic);
      for (const [kind, d] of detected) {
        if (!findings.some((f) => f.kind === kind) && now - d.lastSeen >= opts.calmSeconds * 1000) calm(kind, now);
      }
    },
    /** Whether this kind of attack is going on, with its reason. */
    current: (kind: FindingKind) => detected.get(kind),
    settled: () => work,
  };
}
