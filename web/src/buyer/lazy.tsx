import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { Loading } from './ui.js';

/**
 * A page in its own chunk: the seat map, checkout and ticket QR codes are downloaded only by the
 * buyers who reach them. `prefetch` starts the download early (e.g. when an event is on sale).
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const prefetch = () => {
    pending ??= load().then(
      (page) => (loaded = page),
      (error) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  };
  function Page(props: P) {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (!loaded)
        prefetch().then(
          () => setReady(1),
          () => setFailed(true),
        );
    }, []);
    if (failed) {
      // Usually a new deployment replaced the files this page was built with.
      return (
        <div class="notice notice-error" role="alert" data-testid="error">
          {t('error.chunk')} <a href={location.href}>{t('common.reload')}</a>
        </div>
      );
    }
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Loading />;
  }
  Page.prefetch = prefetch;
  return Page;
}
