import { useState } from 'preact/hooks';
import { formatAgo, formatDate } from '../format';
import { useResource } from '../hooks';
import { Icon } from '../icons';
import { Badge, ConfirmButton, Empty, ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';
import { ApiKeyForm } from './api-key-form';
import { listApiKeys, revokeApiKey } from './api-keys-api';

/** The token, this once: only its hash is kept, so a lost token means a new key. */
function NewToken(props: { name: string; token: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const [stored, setStored] = useState(false);
  return (
    <Notice tone="success" title={`Key “${props.name}” created`} testid="api-key-token">
      <p>
        Copy it now: it is shown only this once. Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <p class="invitation-url">
        <code data-testid="api-key-token-value">{props.token}</code>{' '}
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
          {copied ? 'Copied' : 'Copy'}
        </button>
      </p>
      <label class="toggle">
        <input type="checkbox" checked={stored} onChange={(e) => setStored(e.currentTarget.checked)} data-testid="api-key-stored" /> I have stored it
      </label>{' '}
      <button type="button" class="btn btn-primary btn-sm" disabled={!stored} onClick={props.onClose} data-testid="api-key-token-done">
        Done
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
        title="API keys"
        subtitle="For integrations and door scanners. Each holds a few permissions, always expires, and is stored only as a hash."
        actions={
          !creating &&
          !created && (
            <button type="button" class="btn btn-primary" data-testid="api-key-new-open" onClick={() => setCreating(true)}>
              <Icon name="plus" /> New key
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
        <Section title="Keys" class="card-flush-body" testid="api-keys">
          <ErrorNotice error={keys.error} />
          {!keys.data && keys.loading && <Loading />}
          {keys.data?.length === 0 && <Empty title="No API keys yet." />}
          {keys.data && keys.data.length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Permissions</th>
                  <th>Status</th>
                  <th>Expires</th>
                  <th>Last use</th>
                  <th class="actions-col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} data-testid="api-key-row" data-status={k.status} data-name={k.name}>
                    <td>
                      <strong>{k.name}</strong>
                      <div class="mono small muted">{k.prefix}…</div>
                    </td>
                    <td class="small">
                      <span class="mono">{k.permissions.join(', ')}</span>
                      {k.permissions.includes('checkin.scan') && (
                        <div class="muted">{k.performanceIds.length ? `${k.performanceIds.length} performance(s)` : 'any performance'}</div>
                      )}
                    </td>
                    <td>
                      <Badge
                        status={k.status === 'expired' ? 'paused' : k.status}
                        label={k.status === 'expired' ? 'Expired' : undefined}
                        testid="api-key-status"
                      />
                      {k.revokedReason && <div class="small muted">{k.revokedReason}</div>}
                    </td>
                    <td class="nowrap">{formatDate(k.expiresAt)}</td>
                    <td>{k.lastUsedAt ? formatAgo(k.lastUsedAt) : <span class="muted">never</span>}</td>
                    <td class="actions-col">
                      {k.status === 'active' && (
                        <ConfirmButton
                          label="Revoke"
                          title={`Revoke “${k.name}”?`}
                          confirmLabel="Revoke"
                          testid="api-key-revoke"
                          class="btn btn-danger-outline btn-sm"
                          onConfirm={() => revoke(k.id)}
                        >
                          <p>Whatever uses it is refused from now on, on every server. This cannot be undone.</p>
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
