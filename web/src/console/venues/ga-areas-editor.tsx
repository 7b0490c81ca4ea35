import { t } from '../i18n';
import { Icon } from '../icons';

export interface GaRow {
  name: string;
  capacity: string;
  x?: number;
  y?: number;
}

/** Rows of name + capacity, added and removed by the operator. */
export function GaAreasEditor(props: { rows: GaRow[]; onChange: (rows: GaRow[]) => void; problems: Map<number, string> }) {
  const update = (i: number, patch: Partial<GaRow>) => props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="ga-editor" data-testid="ga-editor">
      {props.rows.length === 0 && <p class="muted">{t('venues.ga.none')}</p>}
      {props.rows.length > 0 && (
        <div class="row-list">
          <div class="row-list-head" aria-hidden="true">
            <span>{t('catalog.colName')}</span>
            <span>{t('venues.colCapacity')}</span>
            <span />
          </div>
          {props.rows.map((row, i) => {
            const problem = props.problems.get(i);
            return (
              <div class="row-list-item" key={i}>
                <div class="row-list-fields">
                  <input
                    aria-label={t('venues.ga.nameLabel', { n: i + 1 })}
                    value={row.name}
                    maxLength={60}
                    data-testid="ga-name"
                    aria-invalid={problem ? true : undefined}
                    onInput={(e) => update(i, { name: e.currentTarget.value })}
                  />
                  <input
                    aria-label={t('venues.ga.capacityLabel', { n: i + 1 })}
                    value={row.capacity}
                    inputMode="numeric"
                    data-testid="ga-capacity"
                    aria-invalid={problem ? true : undefined}
                    onInput={(e) => update(i, { capacity: e.currentTarget.value })}
                  />
                  <button
                    type="button"
                    class="btn btn-ghost btn-icon"
                    aria-label={t('venues.ga.remove', { n: i + 1 })}
                    onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </div>
                {problem && <p class="field-error">{problem}</p>}
              </div>
            );
          })}
        </div>
      )}
      <button type="button" class="btn btn-secondary btn-sm" data-testid="ga-add" onClick={() => props.onChange([...props.rows, { name: '', capacity: '' }])}>
        <Icon name="plus" size={16} /> {t('venues.ga.add')}
      </button>
    </div>
  );
}
