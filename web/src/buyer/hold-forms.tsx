import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { formatMoney, t, tp } from '../shared/i18n.js';
import { QuantitySelect } from './performance-parts.js';
import type { Availability, GaArea } from './types.js';

/** The two ways to get tickets without picking seats: the best N in a category, and GA places. */
export function BestAvailable({
  categories,
  max,
  disabled,
  working,
  onHold,
  error,
}: {
  categories: Availability['categories'];
  max: number;
  disabled: boolean;
  working: boolean;
  onHold: (categoryId: string, quantity: number) => void;
  error: ComponentChildren;
}) {
  const firstOpen = categories.find((c) => c.available > 0) ?? categories[0]!;
  const [categoryId, setCategoryId] = useState(firstOpen.id);
  const [quantity, setQuantity] = useState(2);
  const category = categories.find((c) => c.id === categoryId) ?? firstOpen;
  const limit = Math.min(max, category.available);
  return (
    <section class="best-panel" aria-labelledby="best-heading">
      <h2 id="best-heading">{t('best.heading')}</h2>
      <p class="muted small">{t('best.help')}</p>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (limit > 0) onHold(category.id, Math.min(quantity, limit));
        }}
      >
        <div class="field field-grow">
          <label for="best-category">{t('best.category')}</label>
          <select
            id="best-category"
            data-testid="best-category"
            value={category.id}
            onChange={(e) => setCategoryId((e.currentTarget as HTMLSelectElement).value)}
          >
            {categories.map((c) => (
              <option key={c.id} value={c.id} disabled={c.available === 0}>
                {`${c.name} · ${formatMoney(c.price, c.currency)}${c.available === 0 ? ` · ${t('common.soldOut')}` : ''}`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="best-quantity">{t('common.quantity')}</label>
          <QuantitySelect id="best-quantity" testId="best-quantity" value={quantity} max={limit} onChange={setQuantity} />
        </div>
        <button type="submit" class="button button-primary" data-testid="hold-best" disabled={disabled || limit < 1} aria-busy={working ? 'true' : undefined}>
          {working ? t('hold.working') : t('best.submit')}
        </button>
      </form>
      {error}
    </section>
  );
}

export function GaCard({
  area,
  availability,
  colorOf,
  max,
  disabled,
  working,
  onHold,
  error,
}: {
  area: GaArea;
  availability: Availability;
  colorOf: Map<string, number>;
  max: number;
  disabled: boolean;
  working: boolean;
  onHold: (quantity: number) => void;
  error: ComponentChildren;
}) {
  const [quantity, setQuantity] = useState(1);
  const category = availability.categories.find((c) => c.id === area.categoryId);
  const limit = Math.min(max, area.available);
  const fieldId = `ga-quantity-${area.id}`;
  return (
    <li class="card ga-card" data-testid="ga-area" data-ga-area-id={area.id}>
      <div class="ga-head">
        <span class={`swatch cat-${colorOf.get(area.categoryId) ?? 0}`} aria-hidden="true" />
        <h3 class="ga-name">{area.name}</h3>
        {category && <span class="ga-price">{formatMoney(category.price, category.currency)}</span>}
      </div>
      <p class="muted small">
        {t('ga.standing')} · {area.available > 0 ? tp('ga.left', area.available) : t('common.soldOut')}
      </p>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (limit > 0) onHold(Math.min(quantity, limit));
        }}
      >
        <div class="field">
          <label for={fieldId}>{t('common.quantity')}</label>
          <QuantitySelect id={fieldId} testId="ga-quantity" value={quantity} max={limit} onChange={setQuantity} />
        </div>
        <button type="submit" class="button button-primary" data-testid="hold-ga" disabled={disabled || limit < 1} aria-busy={working ? 'true' : undefined}>
          {working ? t('hold.working') : t('ga.submit')}
        </button>
      </form>
      {error}
    </li>
  );
}
