import type { Db } from '../platform/transaction.js';
import { insertMessage } from '../notifications/outbox.repository.js';

export interface Alert {
  incidentId: string;
  kind: string;
  /** What happened, e.g. `detected`, `back_to_normal`. */
  what: string;
  summary: string;
  at: Date;
  details?: Record<string, unknown>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Tells operators about an incident: a JSON POST to `ALERT_WEBHOOK_URL` (chat, paging) and an
 * email to each of `ALERT_EMAILS` through the outbox, so a mail server that is down delays the
 * email but does not lose it. A webhook that fails is tried once more and then logged.
 */
export function createAlerts(opts: {
  db: Db;
  webhookUrl?: string;
  emails: readonly string[];
  baseUrl: string;
  log: (message: string, error?: unknown) => void;
}) {
  async function post(alert: Alert): Promise<void> {
    if (!opts.webhookUrl) return;
    const body = JSON.stringify({ source: 'taquilla', ...alert, at: alert.at.toISOString(), console: `${opts.baseUrl}/console/shield` });
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const res = await fetch(opts.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
        if (res.ok) return;
        if (attempt === 2) opts.log(`incident alert webhook answered ${res.status}`);
      } catch (error) {
        if (attempt === 2) opts.log('incident alert webhook failed', error);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function email(alert: Alert): Promise<void> {
    const subject = `[Taquilla] ${alert.kind.replace(/_/g, ' ')}: ${alert.what.replace(/_/g, ' ')}`;
    const text = `${alert.summary}\n\nAt ${alert.at.toISOString()}. Incident ${alert.incidentId}.\nLive view: ${opts.baseUrl}/console/shield\n`;
    const html =
      `<p>${escapeHtml(alert.summary)}</p><p>At ${alert.at.toISOString()}. Incident ${escapeHtml(alert.incidentId)}.</p>` +
      `<p><a href="${escapeHtml(`${opts.baseUrl}/console/shield`)}">Live view</a></p>`;
    for (const recipient of opts.emails) {
      await insertMessage(opts.db, {
        kind: 'incident_alert',
        recipient,
        locale: 'en',
        subject,
        body_text: text,
        body_html: html,
        status: 'queued',
        order_id: null,
      });
    }
  }

  return {
    /** Never throws: an alert that cannot be sent must not stop the shield. */
    async send(alert: Alert): Promise<void> {
      await Promise.all([post(alert), email(alert).catch((error) => opts.log('incident alert email could not be queued', error))]);
    },
  };
}
export type Alerts = ReturnType<typeof createAlerts>;
