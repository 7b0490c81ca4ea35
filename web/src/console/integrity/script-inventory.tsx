import { useResource } from '../hooks';
import { t, tp } from '../i18n';
import { ErrorNotice, Loading, Section } from '../ui';
import { loadInventory } from './integrity-api';
import { PageClasses } from './page-classes';

/**
 * The committed script inventory (PCI DSS 6.4.3): every script that may run on each page class,
 * why, who answers for it and what approved it. The build refuses chunks it does not name.
 */
export function ScriptInventory() {
  const inventory = useResource((signal) => loadInventory(signal), []);
  const inv = inventory.data;
  return (
    <Section title={t('integrity.inventoryTitle')} class="card-flush-body" testid="integrity-inventory">
      <p class="muted small card-note integrity-note">
        {inv ? (
          <>
            {tp('integrity.count.entriesIn', inv.entries.length)}{' '}
            <code class="break" data-user-content>
              {inv.path}
            </code>
            . {t('integrity.inventoryReview')}
          </>
        ) : (
          t('integrity.inventoryIntro')
        )}
      </p>
      <div class="integrity-pad">
        <ErrorNotice error={inventory.error} />
        {!inv && inventory.loading && <Loading />}
      </div>
      {inv && inv.entries.length > 0 && (
        <table class="table table-compact integrity-table">
          <thead>
            <tr>
              <th scope="col">{t('integrity.scriptAndPages')}</th>
              <th scope="col">{t('integrity.purpose')}</th>
            </tr>
          </thead>
          <tbody>
            {inv.entries.map((e) => (
              <tr key={e.id} data-testid="inventory-entry" data-kind={e.kind}>
                <td class="break integrity-script">
                  <strong data-user-content>{e.id}</strong>{' '}
                  <span class={`badge badge-${e.kind === 'widget' ? 'warn' : 'neutral'}`}>
                    {e.kind === 'widget' ? t('integrity.kindWidget') : t('integrity.kindOurs')}
                  </span>
                  <div>
                    <PageClasses classes={e.classes} />
                  </div>
                  <ul class="integrity-covers mono small muted" aria-label={t('integrity.covers')}>
                    {(e.kind === 'widget' ? [e.origin ?? ''] : (e.chunks ?? [])).map((c) => (
                      <li key={c} data-user-content>
                        {c}
                      </li>
                    ))}
                  </ul>
                </td>
                <td class="small">
                  <span data-user-content>{e.purpose}</span>
                  <div class="muted">
                    {t('integrity.owner')} <span data-user-content>{e.owner}</span> · {t('integrity.approved')} <span data-user-content>{e.approved}</span>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
