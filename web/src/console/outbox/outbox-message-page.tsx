import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useResource } from '../hooks';
import { adminApi } from '../session';
import type { OutboxDetail } from '../types';
import { Badge, ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';

/**
 * The email's HTML for the preview frame, without its inline styles, style sheets and scripts: the
 * frame inherits the console's content policy, which would block and report them anyway. This is
 * not what keeps the console safe (the empty sandbox is); it only keeps the reports quiet, so it is
 * done on the text, without parsing the HTML in this page.
 */
export function previewHtml(html: string): string {
  return html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '').replace(/\s(?:style|on[a-z]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, '');
}

/**
 * One email. The text body is shown as text; the HTML body only ever inside a sandboxed frame
 * (`sandbox=""`: no scripts, no forms, its own opaque origin), never in the console's own DOM.
 */
export function OutboxMessagePage(props: { id: string }) {
  const message = useResource((signal) => adminApi<OutboxDetail>(`/api/admin/outbox/${props.id}`, { signal }), [props.id]);
  const [view, setView] = useState<'text' | 'html' | 'source'>('text');
  const m = message.data;
  return (
    <>
      <PageHeader
        back={{ href: '/console/outbox', label: 'Outbox' }}
        title={m?.subject ?? 'Message'}
        badge={m && <Badge status={m.status} />}
        subtitle={
          m && (
            <>
              To {m.recipient} · {m.kind} · {m.locale}
            </>
          )
        }
      />
      <ErrorNotice error={message.error} />
      {message.loading && !m && <Loading />}
      {m && (
        <div class="grid-1-2">
          <Section title="Details">
            <dl class="facts">
              <dt>Recipient</dt>
              <dd>{m.recipient}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(m.createdAt)}</dd>
              <dt>Sent</dt>
              <dd>{m.sentAt ? formatDateTime(m.sentAt) : '—'}</dd>
              <dt>Attempts</dt>
              <dd>{m.attempts}</dd>
              <dt>Kind</dt>
              <dd>{m.kind}</dd>
              <dt>Language</dt>
              <dd>{m.locale}</dd>
              {m.orderId && (
                <>
                  <dt>Order</dt>
                  <dd>
                    <a href={`/console/orders/${m.orderId}`} class="mono">
                      {m.orderId.slice(0, 8)}
                    </a>
                  </dd>
                </>
              )}
            </dl>
            {m.lastError && (
              <Notice tone="error" title="Last error">
                {m.lastError}
              </Notice>
            )}
          </Section>
          <Section
            title="Body"
            testid="outbox-body"
            actions={
              <div class="segmented" role="group" aria-label="Body format">
                {(['text', 'html', 'source'] as const).map((v) => (
                  <button
                    key={v}
                    type="button"
                    class={view === v ? 'active' : ''}
                    aria-pressed={view === v}
                    data-testid={`outbox-view-${v}`}
                    onClick={() => setView(v)}
                  >
                    {v === 'text' ? 'Text' : v === 'html' ? 'HTML preview' : 'HTML source'}
                  </button>
                ))}
              </div>
            }
          >
            {view === 'text' && (
              <pre class="mail-text" data-testid="outbox-text">
                {m.bodyText}
              </pre>
            )}
            {view === 'html' && (
              <>
                <iframe
                  class="mail-frame"
                  title={`HTML body of “${m.subject}”`}
                  sandbox=""
                  srcdoc={previewHtml(m.bodyHtml)}
                  referrerpolicy="no-referrer"
                  data-testid="outbox-html"
                />
                <p class="hint">
                  Shown in a sandboxed frame, without the email’s inline styles and outside images (the console’s content policy blocks them). “HTML source”
                  shows the email as sent.
                </p>
              </>
            )}
            {view === 'source' && <pre class="mail-text mail-source">{m.bodyHtml}</pre>}
          </Section>
        </div>
      )}
    </>
  );
}
