import { fractionDigits, parseMajor } from '../format';
import { Icon } from '../icons';

export interface CategoryRow {
  name: string;
  price: string;
  currency: string;
}

export function categoryProblem(row: CategoryRow): string | null {
  if (!row.name.trim()) return 'Give the category a name.';
  if (row.name.trim().length > 60) return 'The name is longer than 60 characters.';
  if (!/^[A-Z]{3}$/.test(row.currency.trim().toUpperCase())) return 'The currency is a three-letter code such as EUR or USD.';
  const minor = parseMajor(row.price, row.currency.trim().toUpperCase());
  if (minor === null) {
    const digits = fractionDigits(row.currency.trim().toUpperCase());
    return digits === 0 ? 'The price is a whole amount, such as 4500.' : `The price is an amount such as 45 or 45.${'5'.padEnd(digits, '0')}.`;
  }
  if (minor > 100_000_000) return 'The price is too high.';
  return null;
}

/** Price categories of a new event: name, price in major units (45.00), currency; rows added and removed. */
export function CategoryRows(props: { rows: CategoryRow[]; onChange: (rows: CategoryRow[]) => void; showProblems: boolean }) {
  const update = (i: number, patch: Partial<CategoryRow>) => props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="row-list row-list-categories" data-testid="category-rows">
      <div class="row-list-head" aria-hidden="true">
        <span>Name</span>
        <span>Price</span>
        <span>Currency</span>
        <span />
      </div>
      {props.rows.map((row, i) => {
        const problem = props.showProblems ? categoryProblem(row) : null;
        return (
          <div class="row-list-item" key={i}>
            <div class="row-list-fields">
              <input
                aria-label={`Category ${i + 1} name`}
                value={row.name}
                maxLength={60}
                placeholder="e.g. Stalls"
                data-testid="category-name"
                aria-invalid={problem ? true : undefined}
                onInput={(e) => update(i, { name: e.currentTarget.value })}
              />
              <input
                aria-label={`Category ${i + 1} price`}
                value={row.price}
                inputMode="decimal"
                placeholder="45.00"
                data-testid="category-price"
                aria-invalid={problem ? true : undefined}
                onInput={(e) => update(i, { price: e.currentTarget.value })}
              />
              <input
                aria-label={`Category ${i + 1} currency`}
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
                aria-label={`Remove category ${i + 1}`}
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
        <Icon name="plus" size={16} /> Add price category
      </button>
    </div>
  );
}
