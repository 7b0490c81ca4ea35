import type { Incident } from './incidents.repository.js';
import { DATA_TYPED } from './incident-scopes.js';

interface ScopeSummary {
  id: string;
  people: number;
  checkoutAttempts: number;
  shareOfCustomers: number;
  criteria: Record<string, unknown>;
}

/** Timeline events that are measures taken, in words a regulator reads. */
const MEASURES: Record<string, string> = {
  shield_on: 'Shield mode turned on: abusive traffic refused before it reached sales.',
  widget_disabled: 'The third-party widget involved was switched off on every page.',
  tamper_check: 'The pages as served were compared with the approved build; the differences were recorded.',
  tamper_check_failed: 'The pages as served were compared with the approved build; the differences were recorded.',
  sales_paused: 'Ticket sales for the events concerned were paused.',
  purge_run: 'All staff access was revoked and re-issued with second factors.',
  notifications_sent: 'The people affected were notified by email in their language.',
  reset_forced: 'Affected customer accounts must set a new password; their sessions were ended.',
  staff_revoked: 'Staff sessions and API keys were revoked.',
  customers_flagged: 'Affected customers were flagged for monitoring.',
  status_contained: 'The incident was contained.',
};

const NATURE: Record<Incident['category'], string> = {
  ddos: 'A denial-of-service attack against the ticket sale. No personal data is known to have been accessed.',
  script_compromise: 'Code that was not approved ran, or tried to run, on pages where customers type their details (checkout or account pages).',
  credential_stuffing: 'Attempts to sign in to accounts with passwords obtained elsewhere.',
  staff_access: 'Unauthorised access, or attempted access, to staff accounts.',
  data_exposure: 'Personal data was exposed to people who should not have seen it.',
  other: 'A security incident affecting the box office.',
};

/**
 * A draft of the notice to the supervisory authority, with the fields of GDPR Art. 33(3): (a) the
 * nature of the breach, with the categories and approximate numbers of people and records; (b) a
 * contact point; (c) the likely consequences; (d) the measures taken or proposed. Filled from the
 * incident, its timeline and its newest scope; a person reviews it and sends it.
 */
export function regulatorDraft(incident: Incident, scope: ScopeSummary | undefined, opts: { contact: string }) {
  const measuresTaken = [...new Set(incident.timeline.map((e) => MEASURES[e.what]).filter((m): m is string => Boolean(m)))];
  const people = scope?.people ?? 0;
  const records = scope?.checkoutAttempts ?? 0;
  const consequences =
    incident.category === 'script_compromise' || incident.category === 'data_exposure'
      ? 'The names and email addresses of the people affected may have been read by a third party, and could be used for phishing. Card details are typed only into the payment provider\u2019s own form, on its own origin, and were not exposed through Taquilla\u2019s pages.'
      : incident.category === 'credential_stuffing' || incident.category === 'staff_access'
        ? 'Accounts may have been accessed with stolen passwords; orders and contact details in those accounts may have been seen.'
        : 'Customers may have been unable to buy tickets for a time.';
  const draft = {
    article: 'GDPR Art. 33',
    incidentId: incident.id,
    title: incident.title,
    awareAt: incident.awareAt,
    deadline: incident.regulatorDeadline,
    nature: NATURE[incident.category],
    categoriesOfPeople: people ? ['customers who bought or tried to buy tickets'] : [],
    approximatePeople: people,
    categoriesOfRecords: people ? [...DATA_TYPED] : [],
    approximateRecords: records,
    scope: scope ? { id: scope.id, criteria: scope.criteria, shareOfCustomers: scope.shareOfCustomers } : null,
    contactPoint: opts.contact,
    likelyConsequences: consequences,
    measuresTaken,
    measuresProposed: people
      ? ['Notify each affected person by email in their language (Art. 34).', 'Force a password reset for affected accounts and end their sessions.']
      : [],
  };
  const text = [
    `Notification of a personal data breach (GDPR Art. 33). Draft: review before sending.`,
    ``,
    `Incident: ${incident.title} (${incident.id})`,
    `Became aware: ${incident.awareAt}; this notice is due by ${incident.regulatorDeadline}.`,
    ``,
    `(a) Nature of the breach: ${draft.nature}`,
    `    People concerned: approximately ${people.toLocaleString('en')}${draft.categoriesOfPeople.length ? ` (${draft.categoriesOfPeople.join(', ')})` : ''}.`,
    `    Records concerned: approximately ${records.toLocaleString('en')} checkout attempts${draft.categoriesOfRecords.length ? `, holding: ${draft.categoriesOfRecords.join(', ')}` : ''}.`,
    `(b) Contact point: ${draft.contactPoint}`,
    `(c) Likely consequences: ${consequences}`,
    `(d) Measures taken: ${measuresTaken.length ? measuresTaken.join(' ') : 'none recorded yet.'}`,
    `    Measures proposed: ${draft.measuresProposed.length ? draft.measuresProposed.join(' ') : 'none.'}`,
  ].join('\n');
  return { ...draft, text };
}
