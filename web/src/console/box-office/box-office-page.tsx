import { useState } from 'preact/hooks';
import { loadEvent } from '../events/events-api';
import { formatDateTime, formatMoney } from '../format';
import { useResource } from '../hooks';
import { can } from '../session';
import { ConfirmButton, ErrorNotice, Loading, PageHeader, Section } from '../ui';
import {
  BLOCK_KINDS,
  type BlockKind,
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
  const [recipient, setRecipient] = useState({ name: '', email: '', locale: 'en' });
  const [method, setMethod] = useState<'cash' | 'card_present'>('cash');
  const [buyer, setBuyer] = useState({ name: '', email: '', locale: 'en' });
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
      setError(e);
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
        back={{ href: `/console/events/${props.eventId}/performances/${props.id}`, label: 'Performance' }}
        title="Box office"
        subtitle={event.data && performance && `${event.data.title} · ${formatDateTime(performance.startsAt)} · ${performance.venue.name}`}
      />
      <ErrorNotice error={event.error ?? stock.error} />
      {!data && !stock.error && <Loading label="Loading seats…" />}
      {sale && <SaleResult sale={sale} onDone={() => setSale(null)} />}
      {data && (
        <div class="bo-layout bo-no-print">
          <Section title="Seats" testid="bo-map">
            <SeatPicker availability={data.availability} blocks={data.blocks} selected={selected} onToggle={toggle} />
            {data.availability.gaAreas.map((area) => {
              const line = ga[area.id] ?? { quantity: 0, blockId: '' };
              const fromBlocks = data.blocks.filter((b) => b.ga.some((g) => g.gaAreaId === area.id));
              return (
                <div class="bo-ga" key={area.id}>
                  <label>
                    {area.name} (standing, {area.available} free)
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
                      from{' '}
                      <select value={line.blockId} onChange={(e) => setGa({ ...ga, [area.id]: { ...line, blockId: (e.target as HTMLSelectElement).value } })}>
                        <option value="">free places</option>
                        {fromBlocks.map((b) => (
                          <option key={b.id} value={b.id}>
                            block: {b.kind} ({b.ga.find((g) => g.gaAreaId === area.id)?.quantity} places){b.note ? ` ${b.note}` : ''}
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
            <Section title="Selection" testid="bo-selection">
              <p data-testid="bo-selection-summary">
                {count === 0
                  ? 'Pick seats on the left, or a number of standing places.'
                  : `${count} ${count === 1 ? 'place' : 'places'} · ${formatMoney(total, currency)} at current prices`}
              </p>
              {count > 0 && (
                <button type="button" class="btn btn-secondary btn-sm" onClick={clear}>
                  Clear selection
                </button>
              )}
              <ErrorNotice error={error} testid="bo-error" />
            </Section>
            {can('orders.box_office') && (
              <Section title="Sell at the counter" testid="bo-sell">
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
                    <legend>Payment</legend>
                    <label>
                      <input type="radio" name="bo-method" checked={method === 'cash'} onChange={() => setMethod('cash')} data-testid="bo-cash" /> Cash
                    </label>
                    <label>
                      <input
                        type="radio"
                        name="bo-method"
                        checked={method === 'card_present'}
                        onChange={() => setMethod('card_present')}
                        data-testid="bo-card"
                      />{' '}
                      Card (terminal)
                    </label>
                  </fieldset>
                  <label>
                    Buyer name (optional)
                    <input value={buyer.name} maxLength={200} onInput={(e) => setBuyer({ ...buyer, name: (e.target as HTMLInputElement).value })} />
                  </label>
                  <label>
                    Email for the tickets (optional)
                    <input
                      type="email"
                      value={buyer.email}
                      maxLength={254}
                      onInput={(e) => setBuyer({ ...buyer, email: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  <LanguageSelect value={buyer.locale} onChange={(locale) => setBuyer({ ...buyer, locale })} />
                  <button type="submit" class="btn btn-primary" disabled={busy || count === 0} data-testid="bo-sell-submit">
                    {busy ? 'Working…' : `Sell ${count || ''} · ${formatMoney(total, currency)}`}
                  </button>
                </form>
              </Section>
            )}
            {can('orders.comp') && (
              <Section title="Complimentary tickets" testid="bo-comp">
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void act(() => issueComps(props.id, { ...pick, reason: reason.trim(), recipient: { ...recipient, name: recipient.name.trim() } }, key));
                  }}
                >
                  <label>
                    Reason
                    <input
                      required
                      maxLength={500}
                      value={reason}
                      data-testid="bo-comp-reason"
                      onInput={(e) => setReason((e.target as HTMLInputElement).value)}
                    />
                  </label>
                  <label>
                    Recipient’s name
                    <input
                      required
                      maxLength={200}
                      value={recipient.name}
                      data-testid="bo-comp-name"
                      onInput={(e) => setRecipient({ ...recipient, name: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                  <label>
                    Recipient’s email
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
                    Issue {count || ''} complimentary
                  </button>
                </form>
              </Section>
            )}
            {can('inventory.block') && (
              <Section title="Block from sale" testid="bo-block">
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
                    Kind
                    <select value={kind} data-testid="bo-block-kind" onChange={(e) => setKind((e.target as HTMLSelectElement).value as BlockKind)}>
                      {BLOCK_KINDS.map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Note
                    <input maxLength={500} value={note} data-testid="bo-block-note" onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
                  </label>
                  <div class="page-actions">
                    <button type="submit" class="btn btn-primary" disabled={busy || count === 0 || !onlyFree} data-testid="bo-block-submit">
                      Block selected
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
                      Release selected
                    </button>
                  </div>
                  {!onlyFree && count > 0 && <p class="hint">Only free seats and places can be blocked; blocked seats can be released.</p>}
                </form>
              </Section>
            )}
            <Section title={`Blocks (${data.blocks.length})`} testid="bo-blocks">
              {data.blocks.length === 0 && <p class="muted">Nothing is blocked.</p>}
              <ul class="bo-block-list">
                {data.blocks.map((b) => (
                  <li key={b.id} data-testid="bo-block-item">
                    <strong>{BLOCK_KINDS.find(([k]) => k === b.kind)?.[1]}</strong> · {b.quantity} {b.quantity === 1 ? 'place' : 'places'}
                    {b.note && <> · {b.note}</>}
                    <div class="muted small">{[...b.seats.map((s) => s.label), ...b.ga.map((g) => `${g.quantity} × ${g.name}`)].join(', ')}</div>
                    {can('inventory.block') && (
                      <ConfirmButton
                        label="Release"
                        title="Release this block?"
                        confirmLabel="Release to sale"
                        testid={`bo-release-${b.id}`}
                        class="btn btn-secondary btn-sm"
                        onConfirm={async () => {
                          await releaseBlocks(props.id, { blockId: b.id });
                          stock.reload();
                        }}
                      >
                        <p>
                          Its {b.quantity} {b.quantity === 1 ? 'place goes' : 'places go'} back on sale at once.
                        </p>
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
      Language of the email and tickets
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {LANGUAGES.map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
