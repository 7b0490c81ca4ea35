import { useState } from 'preact/hooks';
import { formatAgo, formatDate } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { Icon } from '../icons';
import { permissionLabel } from '../permissions';
import { Badge, ConfirmButton, Empty, ErrorNotice, Loading, Notice, PageHeader, Section, withData } from '../ui';
import { ApiKeyForm } from './api-key-form';
import { listApiKeys, revokeApiKey } from './api-keys-api';

/** The token, this once: only its hash is kept, so a lost token means a new key. */
function NewToken(props: { name: string; token: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const [stored, setStored] = useState(false);
  return (
    <Notice tone="success" title={withData('keys.created', { name: props.name })} testid="api-key-token">
      <p>
        {t('keys.copyNow')} {t('keys.sendAs')} <code>Authorization: Bearer &lt;{t('keys.tokenPlaceholder')}&gt;</code>
      </p>
      <p class="invitation-url">
        <code data-testid="api-key-token-value" data-user-content>
          {props.token}
        </code>{' '}
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          onClick={() =>
            navigator.clipboard?.writeText(props.token).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? t('keys.copied') : t('keys.copy')}
        </button>
      </p>
      <label class="toggle">
        <input type="checkbox" checked={stored} onChange={(e) => setStored(e.currentTarget.checked)} data-testid="api-key-stored" /> {t('keys.stored')}
      </label>{' '}
      <button type="button" class="btn btn-primary btn-sm" disabled={!stored} onClick={props.onClose} data-testid="api-key-token-done">
        {t('keys.done')}
      </button>
    </Notice>
  );
}

/** Keys for integrations and door scanners: what each may do, where, until when, last use; revoke. */
export function ApiKeysPage() {
  const keys = useResource((signal) => listApiKeys(signal), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const revoke = async (id: string) => {
    await revokeApiKey(id);
    keys.reload();
  };
  return (
    <>
      <PageHeader
        title={t('keys.title')}
        subtitle={t('keys.subtitle')}
        actions={
          !creating &&
          !created && (
            <button type="button" class="btn btn-primary" data-testid="api-key-new-open" onClick={() => setCreating(true)}>
              <Icon name="plus" /> {t('keys.newOpen')}
            </button>
          )
        }
      />
      <div class="stack">
        {created && <NewToken name={created.name} token={created.token} onClose={() => setCreated(null)} />}
        {creating && (
          <ApiKeyForm
            onCancel={() => setCreating(false)}
            onCreated={(name, token) => {
              setCreating(false);
              setCreated({ name, token });
              keys.reload();
            }}
          />
        )}
        <Section title={t('keys.list')} class="card-flush-body" testid="api-keys">
          <ErrorNotice error={keys.error} />
          {!keys.data && keys.loading && <Loading />}
          {keys.data?.length === 0 && <Empty title={t('keys.none')} />}
          {keys.data && keys.data.length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>{t('keys.colKey')}</th>
                  <th>{t('keys.colPermissions')}</th>
                  <th>{t('staff.colStatus')}</th>
                  <th>{t('keys.colExpires')}</th>
                  <th>{t('staff.colLastUse')}</th>
                  <th class="actions-col">
                    <span class="visually-hidden">{t('staff.colActions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} data-testid="api-key-row" data-status={k.status} data-name={k.name}>
                    <td>
                      <strong data-user-content>{k.name}</strong>
                      <div class="mono small muted" data-user-content>
                        {k.prefix}…
                      </div>
                    </td>
                    <td class="small">
                      {/* The codes as the server names them (an integration's developer looks them up); their meaning as a tooltip. */}
                      <span class="mono" data-user-content title={k.permissions.map(permissionLabel).join('; ')}>
                        {k.permissions.join(', ')}
                      </span>
                      {k.permissions.includes('checkin.scan') && (
                        <div class="muted">{k.performanceIds.length ? tp('staff.performances', k.performanceIds.length) : t('staff.anyPerformance')}</div>
                      )}
                    </td>
                    <td>
                      <Badge
                        status={k.status === 'expired' ? 'paused' : k.status}
                        label={k.status === 'expired' ? t('keys.expired') : k.status === 'active' ? t('keys.active') : undefined}
                        testid="api-key-status"
                      />
                      {k.revokedReason && (
                        <div class="small muted" data-user-content>
                          {k.revokedReason}
                        </div>
                      )}
                    </td>
                    <td class="nowrap">{formatDate(k.expiresAt)}</td>
                    <td>{k.lastUsedAt ? formatAgo(k.lastUsedAt) : <span class="muted">{t('staff.never')}</span>}</td>
                    <td class="actions-col">
                      {k.status === 'active' && (
                        <ConfirmButton
                          label={t('keys.revoke')}
                          title={withData('keys.revokeTitle', { name: k.name })}
                          confirmLabel={t('keys.revoke')}
                          testid="api-key-revoke"
                          class="btn btn-danger-outline btn-sm"
                          onConfirm={() => revoke(k.id)}
                        >
                          <p>{t('keys.revokeText')}</p>
                        </ConfirmButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}
