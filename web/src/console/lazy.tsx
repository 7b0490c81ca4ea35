import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';
import { Loading } from './ui';

/**
 * A part of the console in its own chunk: the account administration pages (staff, keys, review,
 * audit, one's own account) and the QR code are downloaded only by those who open them, so a
 * phone at the door loads the scanner and little else.
 */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>, label?: string) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchOnce = () => {
    pending ??= load().then(
      (component) => (loaded = component),
      (error) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  };
  return function Lazy(props: P) {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (!loaded)
        fetchOnce().then(
          () => setReady(1),
          () => setFailed(true),
        );
    }, []);
    if (failed) {
      // Usually a new deployment replaced the files this page was built with.
      return (
        <div class="notice notice-error" role="alert" data-testid="error">
          {t('shell.chunkFailed')} <a href={location.href}>{t('shell.reload')}</a>
        </div>
      );
    }
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Loading label={label} />;
  };
}
