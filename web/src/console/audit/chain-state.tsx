import { formatAgo, formatCount } from '../format';
import { useResource } from '../hooks';
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
  if (chain.error) return <ErrorNotice error={chain.error} title="The chain's state could not be read" />;
  if (!chain.data) return <Loading label="Verifying the chain…" />;
  const { verified, head, unsealed, staleUnsealed } = chain.data;
  const headText = head ? (
    <>
      Head: entry #{head.seq},{' '}
      <code class="mono" title={head.hash}>
        {head.hash.slice(0, 16)}…
      </code>
    </>
  ) : (
    'The chain is empty.'
  );
  return (
    <div data-testid="audit-chain" data-ok={verified.ok ? 'true' : 'false'}>
      {verified.ok ? (
        <Notice tone="success" title={`Chain verified: ${formatCount(verified.checked)} entries, none altered, removed or inserted`}>
          <p>
            {headText} Checked {formatAgo(verified.at)}.
            <button type="button" class="link-button" onClick={chain.reload}>
              Check again
            </button>
          </p>
        </Notice>
      ) : (
        <Notice tone="error" title="The audit chain does not verify" testid="audit-chain-broken">
          <p data-testid="audit-chain-problem">
            {verified.firstProblem
              ? `${verified.firstProblem.kind}${verified.firstProblem.seq !== undefined ? ` at entry #${verified.firstProblem.seq}` : ''}: ${verified.firstProblem.message}`
              : 'A problem was found.'}
          </p>
          <p>{headText} Treat this as an incident: the log was changed outside Taquilla.</p>
        </Notice>
      )}
      {staleUnsealed > 0 && (
        <Notice tone="warning" title={`${formatCount(staleUnsealed)} entries older than a minute are not sealed`}>
          The sealer is not running on any node.
        </Notice>
      )}
      {unsealed > 0 && staleUnsealed === 0 && <p class="small muted">{formatCount(unsealed)} new entries are being sealed.</p>}
    </div>
  );
}
