import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { adminApi } from '../session';
import type { OutboxDetail } from '../types';
import { Badge, ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';
import { KindLabel, LanguageName } from './outbox-words';

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
        back={{ href: '/console/outbox', label: t('outbox.title') }}
        title={m ? <span data-user-content>{m.subject}</span> : t('outbox.message')}
        badge={m && <Badge status={m.status} />}
        subtitle={
          m && (
            <>
              {t('outbox.to')} <span data-user-content>{m.recipient}</span> · <KindLabel kind={m.kind} /> · <LanguageName locale={m.locale} />
            </>
          )
        }
      />
      <ErrorNotice error={message.error} />
      {message.loading && !m && <Loading />}
      {m && (
        <div class="grid-1-2">
          <Section title={t('outbox.details')}>
            <dl class="facts">
              <dt>{t('outbox.recipient')}</dt>
              <dd data-user-content>{m.recipient}</dd>
              <dt>{t('outbox.created')}</dt>
              <dd>{formatDateTime(m.createdAt)}</dd>
              <dt>{t('outbox.sent')}</dt>
              <dd>{m.sentAt ? formatDateTime(m.sentAt) : '—'}</dd>
              <dt>{t('outbox.attempts')}</dt>
              <dd>{m.attempts}</dd>
              <dt>{t('outbox.kind')}</dt>
              <dd>
                <KindLabel kind={m.kind} />{' '}
                <span class="mono small muted" data-user-content>
                  {m.kind}
                </span>
              </dd>
              <dt>{t('outbox.language')}</dt>
              <dd>
                <LanguageName locale={m.locale} />
              </dd>
              {m.orderId && (
                <>
                  <dt>{t('outbox.order')}</dt>
                  <dd>
                    <a href={`/console/orders/${m.orderId}`} class="mono">
                      {m.orderId.slice(0, 8)}
                    </a>
                  </dd>
                </>
              )}
            </dl>
            {m.lastError && (
              <Notice tone="error" title={t('outbox.lastError')}>
                <span data-user-content>{m.lastError}</span>
              </Notice>
            )}
          </Section>
          <Section
            title={t('outbox.body')}
            testid="outbox-body"
            actions={
              <div class="segmented" role="group" aria-label={t('outbox.bodyFormat')}>
                {(['text', 'html', 'source'] as const).map((v) => (
                  <button
                    key={v}
                    type="button"
                    class={view === v ? 'active' : ''}
                    aria-pressed={view === v}
                    data-testid={`outbox-view-${v}`}
                    onClick={() => setView(v)}
                  >
                    {t(`outbox.view.${v}`)}
                  </button>
                ))}
              </div>
            }
          >
            {view === 'text' && (
              <pre class="mail-text" data-testid="outbox-text" data-user-content>
                {m.bodyText}
              </pre>
            )}
            {view === 'html' && (
              <>
                <iframe
                  class="mail-frame"
                  title={t('outbox.frameTitle', { subject: m.subject })}
                  sandbox=""
                  srcdoc={previewHtml(m.bodyHtml)}
                  referrerpolicy="no-referrer"
                  data-testid="outbox-html"
                />
                <p class="hint">{t('outbox.frameHint', { source: t('outbox.view.source') })}</p>
              </>
            )}
            {view === 'source' && (
              <pre class="mail-text mail-source" data-user-content>
                {m.bodyHtml}
              </pre>
            )}
          </Section>
        </div>
      )}
    </>
  );
}
