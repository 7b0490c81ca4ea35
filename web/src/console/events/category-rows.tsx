import { fractionDigits, parseMajor } from '../format';
import { t } from '../i18n';
import { Icon } from '../icons';

export interface CategoryRow {
  name: string;
  price: string;
  currency: string;
}

export function categoryProblem(row: CategoryRow): string | null {
  if (!row.name.trim()) return t('events.category.noName');
  if (row.name.trim().length > 60) return t('catalog.nameTooLong', { max: 60 });
  if (!/^[A-Z]{3}$/.test(row.currency.trim().toUpperCase())) return t('events.category.currency');
  const minor = parseMajor(row.price, row.currency.trim().toUpperCase());
  if (minor === null) {
    const digits = fractionDigits(row.currency.trim().toUpperCase());
    return digits === 0 ? t('events.category.wholePrice', { example: '4500' }) : t('events.category.price', { example: `45.${'5'.padEnd(digits, '0')}` });
  }
  if (minor > 100_000_000) return t('events.category.tooHigh');
  return null;
}

/** Price categories of a new event: name, price in major units (45.00), currency; rows added and removed. */
export function CategoryRows(props: { rows: CategoryRow[]; onChange: (rows: CategoryRow[]) => void; showProblems: boolean }) {
  const update = (i: number, patch: Partial<CategoryRow>) => props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="row-list row-list-categories" data-testid="category-rows">
      <div class="row-list-head" aria-hidden="true">
        <span>{t('catalog.colName')}</span>
        <span>{t('events.colPrice')}</span>
        <span>{t('events.colCurrency')}</span>
        <span />
      </div>
      {props.rows.map((row, i) => {
        const problem = props.showProblems ? categoryProblem(row) : null;
        return (
          <div class="row-list-item" key={i}>
            <div class="row-list-fields">
              <input
                aria-label={t('events.category.nameLabel', { n: i + 1 })}
                value={row.name}
                maxLength={60}
                placeholder={t('events.category.namePlaceholder')}
                data-testid="category-name"
                aria-invalid={problem ? true : undefined}
                onInput={(e) => update(i, { name: e.currentTarget.value })}
              />
              <input
                aria-label={t('events.category.priceLabel', { n: i + 1 })}
                value={row.price}
                inputMode="decimal"
                placeholder="45.00"
                data-testid="category-price"
                aria-invalid={problem ? true : undefined}
                onInput={(e) => update(i, { price: e.currentTarget.value })}
              />
              <input
                aria-label={t('events.category.currencyLabel', { n: i + 1 })}
                value={row.currency}
                maxLength={3}
                class="input-currency"
                data-testid="category-currency"
                aria-invalid={problem ? true : undefined}
                onInput={(e) => update(i, { currency: e.currentTarget.value.toUpperCase() })}
              />
              <button
                type="button"
                class="btn btn-ghost btn-icon"
                aria-label={t('events.category.remove', { n: i + 1 })}
                disabled={props.rows.length === 1}
                onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
            {problem && <p class="field-error">{problem}</p>}
          </div>
        );
      })}
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        data-testid="category-add"
        disabled={props.rows.length >= 50}
        onClick={() => props.onChange([...props.rows, { name: '', price: '', currency: props.rows[props.rows.length - 1]?.currency ?? 'EUR' }])}
      >
        <Icon name="plus" size={16} /> {t('events.category.add')}
      </button>
    </div>
  );
}
