import { randomUUID } from 'node:crypto';
import { insertMessage } from '../notifications/outbox.repository.js';
import type { StakeholderNoticeKind } from '../platform/database.types.js';
import { badRequest, notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { renderStakeholderNotice } from './incident-stakeholders.email.js';
import { buyersPerEvent, claimNotices, performanceContacts, type PerformanceContacts } from './incident-stakeholders.repository.js';
import { getScope } from './incident-scopes.repository.js';
import { addIncidentEvent } from './incidents.repository.js';

/**
 * Producers and venue contacts hear from the box office when an incident touches their event:
 * its sale paused or resumed, or their buyers in a scope. One email per contact per event, told
 * once per incident and kind: the notice row and the email are written in one transaction, so a
 * second call (a retried scope step, a pause after a resume) queues nothing twice. Below order
 * confirmations in the outbox (priority -1).
 */
export interface StakeholderNotice {
  incidentId: string;
  kind: StakeholderNoticeKind;
  /** The performances whose sale changed: their event's producers and their own venue's contacts are told. */
  performanceIds?: string[];
  /** Whole events (the contacts of every venue they play). With `buyers_in_scope`, narrows the scope's events to these. */
  eventIds?: string[];
  /** Required with `buyers_in_scope`: each event with orders in it is told how many of its buyers it holds. */
  scopeId?: string;
  /** Whom the email tells them to ask; else the incident's owner when that is an address, else "reply to this email". */
  contact?: string;
}

export interface StakeholdersNotified {
  /** Events whose contacts were considered. */
  events: number;
  /** Emails queued now. */
  queued: number;
  /** Contacts told this already in this incident. */
  alreadyTold: number;
}

export const STAKEHOLDER_EMAIL_KIND = 'incident_stakeholder';
/** Below order confirmations (0): a fan's tickets never wait behind these. */
const PRIORITY = -1;

interface EventToTell {
  title: string;
  emails: Set<string>;
  performances: { startsAt: Date; venue: string }[];
  buyers?: number;
}

function byEvent(rows: PerformanceContacts[]): Map<string, EventToTell> {
  const events = new Map<string, EventToTell>();
  for (const r of rows) {
    let e = events.get(r.eventId);
    if (!e) events.set(r.eventId, (e = { title: r.title, emails: new Set(), performances: [] }));
    for (const email of [...r.producerEmails, ...r.venueEmails]) e.emails.add(email.trim().toLowerCase());
    e.performances.push({ startsAt: r.startsAt, venue: r.venue });
  }
  return events;
}

async function eventsToTell(db: Db, notice: StakeholderNotice): Promise<Map<string, EventToTell>> {
  if (notice.kind !== 'buyers_in_scope') return byEvent(await performanceContacts(db, notice.performanceIds ?? [], notice.eventIds ?? []));
  if (!notice.scopeId) throw badRequest('scope_required', 'buyers_in_scope needs the scope whose buyers to count', { field: 'scopeId' });
  if (!(await getScope(db, notice.incidentId, notice.scopeId))) throw notFound('scope', notice.scopeId);
  const only = notice.eventIds?.length ? new Set(notice.eventIds) : undefined;
  const counts = (await buyersPerEvent(db, notice.scopeId)).filter((c) => !only || only.has(c.eventId));
  const events = byEvent(
    await performanceContacts(
      db,
      counts.flatMap((c) => c.performanceIds),
      [],
    ),
  );
  for (const c of counts) {
    const e = events.get(c.eventId);
    if (e) e.buyers = c.buyers;
  }
  return events;
}

async function tell(db: Db, notice: StakeholderNotice): Promise<StakeholdersNotified> {
  const incident = await db.selectFrom('incidents').select(['id', 'owner']).where('id', '=', notice.incidentId).executeTakeFirst();
  if (!incident) throw notFound('incident', notice.incidentId);
  const events = await eventsToTell(db, notice);
  const contact = notice.contact ?? (incident.owner?.includes('@') ? incident.owner : null);
  const wanted = [...events].flatMap(([eventId, e]) =>
    [...e.emails].map((email) => ({ incident_id: incident.id, kind: notice.kind, event_id: eventId, email, outbox_id: randomUUID() })),
  );
  const claimed = await claimNotices(db, wanted);
  for (const c of claimed) {
    const e = events.get(c.event_id)!;
    const email = renderStakeholderNotice({ kind: notice.kind, event: e.title, performances: e.performances, buyers: e.buyers, contact });
    await insertMessage(db, {
      id: c.outbox_id!,
      kind: STAKEHOLDER_EMAIL_KIND,
      recipient: c.email,
      locale: 'en',
      subject: email.subject,
      body_text: email.text,
      body_html: email.html,
      status: 'queued',
      order_id: null,
      priority: PRIORITY,
    });
  }
  if (claimed.length) {
    await addIncidentEvent(db, incident.id, 'stakeholders_notified', {
      kind: notice.kind,
      eventIds: [...new Set(claimed.map((c) => c.event_id))],
      emails: claimed.length,
      ...(notice.scopeId ? { scopeId: notice.scopeId } : {}),
    });
  }
  return { events: events.size, queued: claimed.length, alreadyTold: wanted.length - claimed.length };
}

/** Queues the notices in the caller's transaction when given one, else in a transaction of its own. */
export async function notifyStakeholders(db: Db, notice: StakeholderNotice): Promise<StakeholdersNotified> {
  return db.isTransaction ? tell(db, notice) : db.transaction().execute((tx) => tell(tx, notice));
}
