import { useState } from 'preact/hooks';
import { loadEvent } from '../events/events-api';
import { formatCount, formatDateTime, formatMoney } from '../format';
import { useResource } from '../hooks';
import { getLocale, t, tp } from '../i18n';
import { can } from '../session';
import { explained, inWords } from '../performances/refusals';
import { tn, UserText } from '../ui';
import { ConfirmButton, ErrorNotice, Loading, PageHeader, Section } from '../ui';
import {
  BLOCK_KINDS,
  type BlockKind,
  blockKindLabel,
  createBlock,
  type DeskSale,
  issueComps,
  LANGUAGES,
  loadAvailability,
  loadBlocks,
  type Pick,
  releaseBlocks,
  sellAtCounter,
} from './box-office-api';
import { SaleResult } from './sale-result';
import { SeatPicker } from './seat-picker';

const newKey = () => crypto.randomUUID();

/**
 * A performance at the desk: pick seats (and GA places), then block them from sale, release
 * blocks, issue comps or sell at the counter; the tickets show at once with their QR codes.
 */
export function BoxOfficePage(props: { eventId: string; id: string }) {
  const event = useResource((signal) => loadEvent(props.eventId, signal), [props.eventId]);
  const stock = useResource(
    async (signal) => {
      const [availability, { blocks }] = await Promise.all([loadAvailability(props.id, signal), loadBlocks(props.id, signal)]);
      return { availability, blocks };
    },
    [props.id],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [ga, setGa] = useState<Record<string, { quantity: number; blockId: string }>>({});
  const [sale, setSale] = useState<DeskSale | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState<BlockKind>('house');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  // The tickets' language starts as the console's: a desk working in Spanish mostly sells to Spanish speakers.
  const [recipient, setRecipient] = useState({ name: '', email: '', locale: getLocale() as string });
  const [method, setMethod] = useState<'cash' | 'card_present'>('cash');
  const [buyer, setBuyer] = useState({ name: '', email: '', locale: getLocale() as string });
  // One key per attempt: a retry after a lost answer gets the same order, never a second sale.
  const [key, setKey] = useState(newKey);

  const performance = event.data?.performances.find((p) => p.id === props.id);
  const data = stock.data;
  const blockedIds = new Set(data?.blocks.flatMap((b) => b.seats.map((s) => s.id)) ?? []);
  const seatIds = [...selected];
  const gaLines = Object.entries(ga)
    .filter(([, line]) => line.quantity > 0)
    .map(([gaAreaId, line]) => ({ gaAreaId, quantity: line.quantity, ...(line.blockId ? { blockId: line.blockId } : {}) }));
  const pick: Pick = { ...(seatIds.length ? { seatIds } : {}), ...(gaLines.length ? { ga: gaLines } : {}) };
  const count = seatIds.length + gaLines.reduce((n, l) => n + l.quantity, 0);
  const prices = new Map(data?.availability.categories.map((c) => [c.id, c]) ?? []);
  const currency = data?.availability.categories[0]?.currency ?? 'EUR';
  const total =
    seatIds.reduce((n, id) => n + (prices.get(data?.availability.seats.find((s) => s.id === id)?.categoryId ?? '')?.price ?? 0), 0) +
    gaLines.reduce((n, l) => n + l.quantity * (prices.get(data?.availability.gaAreas.find((a) => a.id === l.gaAreaId)?.categoryId ?? '')?.price ?? 0), 0);
  const onlyFree = seatIds.every((id) => !blockedIds.has(id)) && gaLines.every((l) => !l.blockId);
  const onlyBlocked = seatIds.length > 0 && seatIds.every((id) => blockedIds.has(id)) && gaLines.length === 0;

  const clear = () => {
    setSelected(new Set());
    setGa({});
  };
  const act = async (work: () => Promise<DeskSale | null>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await work();
      if (result) {
        setSale(result);
        setKey(newKey());
      }
      clear();
    } catch (e) {
      setError(inWords(e));
    } finally {
      setBusy(false);
      stock.reload();
    }
  };

  const toggle = (seatId: string) => {
    const next = new Set(selected);
    if (next.has(seatId)) next.delete(seatId);
    else next.add(seatId);
    setSelected(next);
    setKey(newKey());
  };

  return (
    <>
      <PageHeader
        back={{ href: `/console/events/${props.eventId}/performances/${props.id}`, label: t('boxOffice.back') }}
        title={t('boxOffice.title')}
        subtitle={
          event.data &&
          performance && (
            <>
              <UserText>{event.data.title}</UserText> · {formatDateTime(performance.startsAt)} · <UserText>{performance.venue.name}</UserText>
            </>
          )
        }
      />
      <ErrorNotice error={event.error ?? stock.error} />
      {!data && !stock.error && <Loading label={t('boxOffice.loading')} />}
      {sale && <SaleResult sale={sale} onDone={() => setSale(null)} />}
      {data && (
        <div class="bo-layout bo-no-print">
          <Section title={t('boxOffice.seats')} testid="bo-map">
            <SeatPicker availability={data.availability} blocks={data.blocks} selected={selected} onToggle={toggle} />
            {data.availability.gaAreas.map((area) => {
              const line = ga[area.id] ?? { quantity: 0, blockId: '' };
              const fromBlocks = data.blocks.filter((b) => b.ga.some((g) => g.gaAreaId === area.id));
              return (
                <div class="bo-ga" key={area.id}>
                  <label>
                    {tn('boxOffice.standing', { area: <UserText>{area.name}</UserText>, free: formatCount(area.available) })}
                    <input
                      type="number"
                      min={0}
                      max={1000}
                      value={line.quantity}
                      class="field-short"
                      data-testid={`bo-ga-${area.name}`}
                      onInput={(e) => setGa({ ...ga, [area.id]: { ...line, quantity: Math.max(0, Number((e.target as HTMLInputElement).value) || 0) } })}
                    />
                  </label>
                  {fromBlocks.length > 0 && (
                    <label>
                      {t('boxOffice.from')}{' '}
                      <select value={line.blockId} onChange={(e) => setGa({ ...ga, [area.id]: { ...line, blockId: (e.target as HTMLSelectElement).value } })}>
                        <option value="">{t('boxOffice.freePlaces')}</option>
                        {fromBlocks.map((b) => (
                          <option key={b.id} value={b.id}>
                            {t('boxOffice.fromBlock', {
                              kind: blockKindLabel(b.kind),
                              places: tp('perf.places', b.ga.find((g) => g.gaAreaId === area.id)?.quantity ?? 0),
                            })}
                            {b.note ? ` ${b.note}` : ''}
                          </option>
                        ))}
                      </select>
                    </label>
                  )}
                </div>
              );
            })}
          </Section>
          <div class="stack">
            <Section title={t('boxOffice.selection')} testid="bo-selection">
              <p data-testid="bo-selection-summary">
                {count === 0 ? t('boxOffice.pickHint') : t('boxOffice.selected', { places: tp('perf.places', count), amount: formatMoney(total, currency) })}
              </p>
              {count > 0 && (
                <button type="button" class="btn btn-secondary btn-sm" onClick={clear}>
                  {t('boxOffice.clear')}
                </button>
              )}
              <ErrorNotice error={error} testid="bo-error" />
            </Section>
            {can('orders.box_office') && (
              <Section title={t('boxOffice.sellTitle')} testid="bo-sell">
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const who = {
                      ...(buyer.name.trim() ? { name: buyer.name.trim() } : {}),
                      ...(buyer.email.trim() ? { email: buyer.email.trim(), locale: buyer.locale } : {}),
                    };
                    void act(() => sellAtCounter(props.id, { ...pick, paymentMethod: method, ...(Object.keys(who).length ? { buyer: who } : {}) }, key));
                  }}
                >
                  <fieldset class="bo-radios">
                    <legend>{t('boxOffice.payment')}</legend>
                    <label>
                      <input type="radio" name="bo-method" checked={method === 'cash'} onChange={() => setMethod('cash')} data-testid="bo-cash" />{' '}
                      {t('boxOffice.cash')}
                    </label>
                    <label>
                      <input
                        type="radio"
                        name="bo-method"
                        checked={method === 'card_present'}
                        onChange={() => setMethod('card_present')}
                        data-testid="bo-card"
                      />{' '}
                      {t('boxOffice.card')}
                    </label>
                  </fieldset>
                  <label>
                    {t('boxOffice.buyerName')}
                    <input value={buyer.name} maxLength={200} onInput={(e) => setBuyer({ ...buyer, name: (e.target as HTMLInputElement).value })} />
                  </label>
                  <label>
                    {t('boxOffice.buyerEmail')}
                    <input
                      type="email"
                      value={buyer.email}
                      maxLength={254}
                      onInput={(e) => setBuyer({ ...buyer, email: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  <LanguageSelect value={buyer.locale} onChange={(locale) => setBuyer({ ...buyer, locale })} />
                  <button type="submit" class="btn btn-primary" disabled={busy || count === 0} data-testid="bo-sell-submit">
                    {busy ? t('ui.working') : t('boxOffice.sell', { count: count ? formatCount(count) : '', amount: formatMoney(total, currency) })}
                  </button>
                </form>
              </Section>
            )}
            {can('orders.comp') && (
              <Section title={t('boxOffice.compTitle')} testid="bo-comp">
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void act(() => issueComps(props.id, { ...pick, reason: reason.trim(), recipient: { ...recipient, name: recipient.name.trim() } }, key));
                  }}
                >
                  <label>
                    {t('boxOffice.reason')}
                    <input
                      required
                      maxLength={500}
                      value={reason}
                      data-testid="bo-comp-reason"
                      onInput={(e) => setReason((e.target as HTMLInputElement).value)}
                    />
                  </label>
                  <label>
                    {t('boxOffice.recipientName')}
                    <input
                      required
                      maxLength={200}
                      value={recipient.name}
                      data-testid="bo-comp-name"
                      onInput={(e) => setRecipient({ ...recipient, name: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  <label>
                    {t('boxOffice.recipientEmail')}
                    <input
                      required
                      type="email"
                      maxLength={254}
                      value={recipient.email}
                      data-testid="bo-comp-email"
                      onInput={(e) => setRecipient({ ...recipient, email: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  <LanguageSelect value={recipient.locale} onChange={(locale) => setRecipient({ ...recipient, locale })} />
                  <button type="submit" class="btn btn-primary" disabled={busy || count === 0} data-testid="bo-comp-submit">
                    {t('boxOffice.issueComps', { count: count ? formatCount(count) : '' })}
                  </button>
                </form>
              </Section>
            )}
            {can('inventory.block') && (
              <Section title={t('boxOffice.blockTitle')} testid="bo-block">
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void act(async () => {
                      await createBlock(props.id, { ...pick, kind, ...(note.trim() ? { note: note.trim() } : {}) });
                      return null;
                    });
                  }}
                >
                  <label>
                    {t('boxOffice.kind')}
                    <select value={kind} data-testid="bo-block-kind" onChange={(e) => setKind((e.target as HTMLSelectElement).value as BlockKind)}>
                      {BLOCK_KINDS.map((value) => (
                        <option key={value} value={value}>
                          {blockKindLabel(value)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    {t('boxOffice.note')}
                    <input maxLength={500} value={note} data-testid="bo-block-note" onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
                  </label>
                  <div class="page-actions">
                    <button type="submit" class="btn btn-primary" disabled={busy || count === 0 || !onlyFree} data-testid="bo-block-submit">
                      {t('boxOffice.blockSelected')}
                    </button>
                    <button
                      type="button"
                      class="btn btn-secondary"
                      disabled={busy || !onlyBlocked}
                      data-testid="bo-release-selected"
                      onClick={() =>
                        void act(async () => {
                          await releaseBlocks(props.id, { seatIds });
                          return null;
                        })
                      }
                    >
                      {t('boxOffice.releaseSelected')}
                    </button>
                  </div>
                  {!onlyFree && count > 0 && <p class="hint">{t('boxOffice.onlyFree')}</p>}
                </form>
              </Section>
            )}
            <Section title={t('boxOffice.blocks', { count: formatCount(data.blocks.length) })} testid="bo-blocks">
              {data.blocks.length === 0 && <p class="muted">{t('boxOffice.nothingBlocked')}</p>}
              <ul class="bo-block-list">
                {data.blocks.map((b) => (
                  <li key={b.id} data-testid="bo-block-item">
                    <strong>{blockKindLabel(b.kind)}</strong> · {tp('perf.places', b.quantity)}
                    {b.note && (
                      <>
                        {' '}
                        · <UserText>{b.note}</UserText>
                      </>
                    )}
                    <div class="muted small" data-user-content="">
                      {[...b.seats.map((s) => s.label), ...b.ga.map((g) => `${g.quantity} × ${g.name}`)].join(', ')}
                    </div>
                    {can('inventory.block') && (
                      <ConfirmButton
                        label={t('boxOffice.release')}
                        title={t('boxOffice.releaseTitle')}
                        confirmLabel={t('boxOffice.releaseConfirm')}
                        testid={`bo-release-${b.id}`}
                        class="btn btn-secondary btn-sm"
                        onConfirm={explained(async () => {
                          await releaseBlocks(props.id, { blockId: b.id });
                          stock.reload();
                        })}
                      >
                        <p>{tp('boxOffice.releaseText', b.quantity)}</p>
                      </ConfirmButton>
                    )}
                  </li>
                ))}
              </ul>
            </Section>
          </div>
        </div>
      )}
    </>
  );
}

function LanguageSelect(props: { value: string; onChange: (locale: string) => void }) {
  return (
    <label>
      {t('boxOffice.language')}
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {LANGUAGES.map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
