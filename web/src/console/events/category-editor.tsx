import { useEffect, useState } from 'preact/hooks';
import { useSave } from '../hooks';
import { parseMajor, toMajor } from '../format';
import { t } from '../i18n';
import { adminApi } from '../session';
import type { PriceCategory } from '../types';
import { ServerError } from '../catalog/server-error';
import { categoryProblem } from './category-rows';

function CategoryRow(props: { category: PriceCategory; onSaved: () => void }) {
  const c = props.category;
  const [name, setName] = useState(c.name);
  const [price, setPrice] = useState(toMajor(c.price, c.currency));
  const { busy, error, saved, setSaved, run } = useSave();
  useEffect(() => {
    setName(c.name);
    setPrice(toMajor(c.price, c.currency));
  }, [c.name, c.price, c.currency]);

  const minor = parseMajor(price, c.currency);
  const problem = categoryProblem({ name, price, currency: c.currency });
  const changed = name.trim() !== c.name || minor !== c.price;

  const save = async (e: Event) => {
    e.preventDefault();
    if (problem || !changed) return;
    await run(async () => {
      const body: Record<string, unknown> = {};
      if (name.trim() !== c.name) body.name = name.trim();
      if (minor !== c.price) body.price = minor;
      await adminApi(`/api/admin/price-categories/${c.id}`, { method: 'PATCH', body });
      props.onSaved();
    });
  };

  return (
    <form class="category-edit" onSubmit={save} noValidate data-testid="category-edit">
      <div class="row-list-fields">
        <input
          aria-label={t('events.categoryNameOf', { name: c.name })}
          value={name}
          maxLength={60}
          data-testid="category-name"
          onInput={(e) => {
            setName(e.currentTarget.value);
            setSaved(false);
          }}
        />
        <div class="input-affix">
          <input
            aria-label={t('events.categoryPriceOf', { name: c.name, currency: c.currency })}
            value={price}
            inputMode="decimal"
            data-testid="category-price"
            onInput={(e) => {
              setPrice(e.currentTarget.value);
              setSaved(false);
            }}
          />
          <span class="affix">{c.currency}</span>
        </div>
        <button type="submit" class="btn btn-secondary btn-sm" disabled={busy || !changed || !!problem} data-testid="category-save">
          {busy ? t('catalog.saving') : saved && !changed ? t('catalog.savedShort') : t('catalog.save')}
        </button>
      </div>
      {changed && problem && <p class="field-error">{problem}</p>}
      <ServerError error={error} title={t('catalog.notSaved')} />
    </form>
  );
}

/** Each existing price category can be renamed or repriced on its own. */
export function CategoryEditor(props: { categories: PriceCategory[]; onSaved: () => void }) {
  return (
    <div class="category-editor">
      <div class="row-list-head" aria-hidden="true">
        <span>{t('catalog.colName')}</span>
        <span>{t('events.colPrice')}</span>
        <span />
      </div>
      {props.categories.map((c) => (
        <CategoryRow key={c.id} category={c} onSaved={props.onSaved} />
      ))}
    </div>
  );
}
