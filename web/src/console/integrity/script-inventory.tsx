import { useResource } from '../hooks';
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
    <Section title="Script inventory" class="card-flush-body" testid="integrity-inventory">
      <p class="muted small card-note integrity-note">
        {inv ? (
          <>
            {inv.entries.length} entries in <code class="break">{inv.path}</code>. A change to it is reviewed by the security owner.
          </>
        ) : (
          'Every script that may run on each page class.'
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
              <th scope="col">Script and pages</th>
              <th scope="col">Purpose</th>
            </tr>
          </thead>
          <tbody>
            {inv.entries.map((e) => (
              <tr key={e.id} data-testid="inventory-entry" data-kind={e.kind}>
                <td class="break integrity-script">
                  <strong>{e.id}</strong>{' '}
                  <span class={`badge badge-${e.kind === 'widget' ? 'warn' : 'neutral'}`}>{e.kind === 'widget' ? 'widget' : 'ours'}</span>
                  <div>
                    <PageClasses classes={e.classes} />
                  </div>
                  <ul class="integrity-covers mono small muted" aria-label="Covers">
                    {(e.kind === 'widget' ? [e.origin ?? ''] : (e.chunks ?? [])).map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                </td>
                <td class="small">
                  {e.purpose}
                  <div class="muted">
                    Owner: {e.owner} · Approved: {e.approved}
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
