import { formatAgo } from '../format';
import { useResource } from '../hooks';
import { hasMessage, t, tp } from '../i18n';
import { adminApi } from '../session';
import { ErrorNotice, Loading, Notice } from '../ui';

interface ChainStatus {
  head: { seq: number; hash: string; sealedAt: string } | null;
  unsealed: number;
  staleUnsealed: number;
  verified: { ok: boolean; checked: number; firstProblem?: { kind: string; seq?: number; id?: string; message: string }; at: string };
}

/**
 * Whether the chain verifies: every entry's hash recomputed from the one before. A failure names
 * the first entry altered, removed or inserted; the head (its number and hash) is what to keep
 * elsewhere, so that a rewrite of the whole chain shows too.
 */
export function ChainState() {
  const chain = useResource((signal) => adminApi<ChainStatus>('/api/admin/audit/chain', { signal }), []);
  if (chain.error) return <ErrorNotice error={chain.error} title={t('audit.chainUnreadable')} />;
  if (!chain.data) return <Loading label={t('audit.verifying')} />;
  const { verified, head, unsealed, staleUnsealed } = chain.data;
  const headText = head ? (
    <>
      {t('audit.head', { seq: head.seq })}{' '}
      <code class="mono" title={head.hash}>
        {head.hash.slice(0, 16)}…
      </code>
    </>
  ) : (
    t('audit.empty')
  );
  return (
    <div data-testid="audit-chain" data-ok={verified.ok ? 'true' : 'false'}>
      {verified.ok ? (
        <Notice tone="success" title={tp('audit.verified', verified.checked)}>
          <p>
            {headText} {t('audit.checked', { ago: formatAgo(verified.at) })}{' '}
            <button type="button" class="link-button" onClick={chain.reload}>
              {t('audit.checkAgain')}
            </button>
          </p>
        </Notice>
      ) : (
        <Notice tone="error" title={t('audit.broken')} testid="audit-chain-broken">
          <p data-testid="audit-chain-problem">{verified.firstProblem ? <Problem problem={verified.firstProblem} /> : t('audit.problem')}</p>
          <p>
            {headText} {t('audit.incident')}
          </p>
        </Notice>
      )}
      {staleUnsealed > 0 && (
        <Notice tone="warning" title={tp('audit.stale', staleUnsealed)}>
          {t('audit.sealerDown')}
        </Notice>
      )}
      {unsealed > 0 && staleUnsealed === 0 && <p class="small muted">{tp('audit.sealing', unsealed)}</p>}
    </div>
  );
}

/** The first problem: its kind in words, where it is, and the verifier's own account of it (as data). */
function Problem(props: { problem: NonNullable<ChainStatus['verified']['firstProblem']> }) {
  const { kind, seq, message } = props.problem;
  const key = `audit.kind.${kind}`;
  const name = hasMessage(key) ? t(key) : kind;
  return (
    <>
      {seq !== undefined ? t('audit.problemAt', { kind: name, seq }) : t('audit.problemKind', { kind: name })} <span data-user-content>{message}</span>
    </>
  );
}
