import { t } from '../i18n';
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { formatCount } from '../format';
import { sessionEnded } from '../session';
import { ErrorNotice } from '../ui';

/**
 * Downloads a CSV export with a progress bar. The server streams the file and says how many rows
 * it holds (X-Total-Rows); the body is read as it arrives, counting line ends, and saved at the
 * end from a Blob through an object URL (no inline script, no HTML sink: the strict CSP and
 * Trusted Types allow it). Cancel stops the reading, and the server stops with it.
 */
export function CsvExportButton(props: { url: string; label: string; testid: string; fallbackName: string }) {
  const [progress, setProgress] = useState<{ rows: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async () => {
    setError(null);
    setDone(null);
    const abort = new AbortController();
    controller.current = abort;
    try {
      const response = await fetch(props.url, { headers: { accept: 'text/csv' }, signal: abort.signal });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        if (response.status === 401) sessionEnded(t('sudo.sessionEnded'));
        throw new ApiError(response.status, body.error?.code ?? `http_${response.status}`, body.error?.message ?? response.statusText, body);
      }
      const total = Number(response.headers.get('x-total-rows') ?? 0);
      setProgress({ rows: 0, total });
      const reader = response.body!.getReader();
      const parts: Uint8Array[] = [];
      let lines = 0;
      let shown = 0;
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        parts.push(value);
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        // The header line is not a row; re-render at most every 1% or so.
        const rows = Math.max(0, lines - 1);
        if (rows - shown >= Math.max(1, total / 100)) {
          shown = rows;
          setProgress({ rows, total });
        }
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? props.fallbackName;
      const href = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = href;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      setDone(Math.max(0, lines - 1));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError(e);
    } finally {
      controller.current = null;
      setProgress(null);
    }
  };

  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.rows / progress.total) * 100)) : 0;
  return (
    <div class="csv-export" data-testid={props.testid}>
      {progress ? (
        <>
          <progress max={100} value={percent} aria-label={`${props.label}: ${percent}%`} data-testid={`${props.testid}-progress`} />
          <span class="muted small" aria-live="polite">
            {t('csv.rows', { rows: formatCount(progress.rows), total: formatCount(progress.total) })}
          </span>
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => controller.current?.abort()}>
            {t('csv.stop')}
          </button>
        </>
      ) : (
        <button type="button" class="btn btn-secondary btn-sm" data-testid={`${props.testid}-button`} onClick={run}>
          {props.label}
        </button>
      )}
      {done !== null && (
        <span class="muted small" role="status" data-testid={`${props.testid}-done`}>
          {t('csv.saved', { rows: formatCount(done) })}
        </span>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
