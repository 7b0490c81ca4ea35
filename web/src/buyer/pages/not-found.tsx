import { t } from '../../shared/i18n.js';
import { PageTitle } from '../ui.js';

export function NotFound() {
  return (
    <div class="not-found" data-testid="not-found">
      <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.body')}</p>
      <p>
        <a class="button" href="/">
          {t('notFound.home')}
        </a>
      </p>
    </div>
  );
}
