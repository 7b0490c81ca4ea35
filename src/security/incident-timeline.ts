import type { IncidentCategory, ShieldSetting } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import { notifyStakeholders } from './incident-stakeholders.js';
import { performanceEvent, unresolvedIncidents } from './incident-timeline.repository.js';
import { addEventToOpenIncidents, addIncidentEvent } from './incidents.repository.js';

/**
 * The operators' responses that land on the timelines of the incidents they answer, written in
 * the transaction of the change itself, so a timeline never shows what did not happen. The
 * simpler ones (a widget switched, a purge, the dormant-access job) call `addEventToOpenIncidents`
 * where they happen; these two need a little more.
 */

/**
 * Pausing a sale is the containment of a flood (bots stop buying, fans are not sold a broken sale)
 * and of a skimmed checkout (no more buyers type their details into it); it answers nothing in a
 * credential-stuffing, staff-access or data-exposure incident, whose timelines it would only crowd.
 */
export const SALES_INCIDENT_CATEGORIES: readonly IncidentCategory[] = ['ddos', 'script_compromise'];

/**
 * `sales_paused` / `sales_resumed` on every unresolved ddos and script_compromise incident, and the
 * event's producers and venue contacts told once, under the newest of those incidents.
 */
export async function recordSalesChange(tx: Db, change: { performanceId: string; action: 'pause' | 'resume'; actor: string; contact?: string }): Promise<void> {
  const incidents = await unresolvedIncidents(tx, SALES_INCIDENT_CATEGORIES);
  const performance = incidents.length ? await performanceEvent(tx, change.performanceId) : undefined;
  if (!incidents[0] || !performance) return;
  const what = change.action === 'pause' ? 'sales_paused' : 'sales_resumed';
  await addEventToOpenIncidents(tx, SALES_INCIDENT_CATEGORIES, what, {
    performanceId: change.performanceId,
    eventId: performance.eventId,
    event: performance.title,
    startsAt: performance.startsAt.toISOString(),
    actor: change.actor,
  });
  await notifyStakeholders(tx, { incidentId: incidents[0].id, kind: what, performanceIds: [change.performanceId], contact: change.contact });
}

/**
 * An operator's shield setting as `shield_on`, `shield_off` or `shield_auto` (back to attack
 * detection) on each unresolved ddos incident, except `recordedOn`: the detector's own flood
 * incident, which records the change as `operator_set_mode` already.
 */
export async function recordShieldSetting(tx: Db, change: { actor: string; from: ShieldSetting; to: ShieldSetting; recordedOn?: string }): Promise<void> {
  for (const incident of await unresolvedIncidents(tx, ['ddos'])) {
    if (incident.id !== change.recordedOn)
      await addIncidentEvent(tx, incident.id, `shield_${change.to}`, { actor: change.actor, from: change.from, to: change.to });
  }
}
