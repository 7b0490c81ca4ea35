import { orderChangeStrings } from './order-change.strings.js';
import { escapeHtml, formatMoney, formattingLocale, headerLine, type OrderConfirmation, resolveLocale, type RenderedEmail } from './templates.js';
import { formatZoned } from './zoned-dates.js';
import { strings } from './templates.strings.js';

/** How the money of a refund goes back: through the online provider to the card, at the box office counter, or none was paid. */
export type Payout = 'card' | 'counter' | 'none';

/** Who and what the email is about: as in the confirmation. */
interface OrderChangeBase
  extends Pick<OrderConfirmation, 'orderId' | 'buyerName' | 'buyerEmail' | 'locale' | 'eventTitle' | 'venueName' | 'startsAt' | 'timeZone'> {
  /** The tickets this change voided (none for an unpaid order). Prices in minor units. */
  tickets: { label: string; categoryName: string; price: number; currency: string }[];
  /** Tickets of the order still valid after the change. */
  remaining: number;
  /** The order page, with its access token. */
  orderUrl: string;
}

export type OrderChange =
  | (OrderChangeBase & { kind: 'refund'; amount: number; currency: string; payout: Payout })
  | (OrderChangeBase & { kind: 'cancellation'; wasPaid: boolean });

/**
 * The email that tells a buyer, in their language, that their order was refunded (whole or some
 * tickets) or cancelled: which tickets stop working, how much comes back and when, and whether the
 * other tickets still stand.
 */
export function renderOrderChange(input: OrderChange): RenderedEmail {
  const locale = resolveLocale(input.locale);
  const t = strings[locale];
  const w = orderChangeStrings[locale];
  const intl = formattingLocale(input.locale, locale);
  const when = formatZoned(input.startsAt, input.timeZone ?? 'UTC', locale, intl);
  const partial = input.remaining > 0;

  let subject: string;
  let intro: string;
  let money: string[] = [];
  if (input.kind === 'refund') {
    subject = partial ? w.partialRefundSubject(input.eventTitle) : w.refundSubject(input.eventTitle);
    intro = partial ? w.partialRefundIntro : w.refundIntro;
    const payout = input.amount === 0 ? 'none' : input.payout;
    money = [
      ...(input.amount > 0 ? [`${w.amountRefunded}${t.colon}${formatMoney(input.amount, input.currency, intl)}`] : []),
      payout === 'card' ? w.payoutCard : payout === 'counter' ? w.payoutCounter : w.payoutNone,
    ];
  } else {
    subject = w.cancelSubject(input.eventTitle);
    intro = input.wasPaid ? w.cancelIntroPaid : w.cancelIntroUnpaid;
    if (input.wasPaid) money = [w.cancelNoMoney];
  }
  subject = headerLine(subject);
  const heading = input.kind === 'refund' ? w.refundedTickets : w.cancelledTickets;
  const lines = input.tickets.map((ticket) => ({
    text: `${ticket.label} (${ticket.categoryName})`,
    price: formatMoney(ticket.price, ticket.currency, intl),
  }));
  const link = partial ? w.viewRemaining : w.viewOrder;

  const text = [
    t.greeting(input.buyerName),
    '',
    intro,
    '',
    `${t.when}${t.colon}${when}`,
    `${t.where}${t.colon}${input.venueName}`,
    `${t.order}${t.colon}${input.orderId}`,
    '',
    ...(lines.length ? [`${heading}${t.colon.trimEnd()}`, ...lines.map((line) => `- ${line.text}${t.colon}${line.price}`), ''] : []),
    ...(money.length ? [...money, ''] : []),
    `${link}${t.colon}${input.orderUrl}`,
    ...(partial ? [t.keepPrivate] : []),
    '',
    w.signOff,
    '',
  ].join('\n');

  const e = escapeHtml;
  const label = (name: string) => e(name + t.colon.trimEnd());
  const cell = 'style="padding:4px 0"';
  const table = lines.length
    ? `<h2 style="font-size:16px">${e(heading)}</h2>
<table style="width:100%;border-collapse:collapse">
${lines.map((line) => `<tr><td ${cell}>${e(line.text)}</td><td ${cell} align="right">${e(line.price)}</td></tr>`).join('\n')}
</table>
`
    : '';
  const html = `<!doctype html>
<html lang="${e(locale)}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(t.greeting(input.buyerName))}</p>
<p>${e(intro)}</p>
<h1 style="font-size:20px">${e(input.eventTitle)}</h1>
<p><strong>${label(t.when)}</strong> ${e(when)}<br><strong>${label(t.where)}</strong> ${e(input.venueName)}<br><strong>${label(t.order)}</strong> ${e(input.orderId)}</p>
${table}${money.map((line, i) => (i === 0 && input.kind === 'refund' && input.amount > 0 ? `<p><strong>${e(line)}</strong></p>` : `<p>${e(line)}</p>`)).join('\n')}
<p><a href="${e(input.orderUrl)}" style="display:inline-block;background:#1a1a1a;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${e(link)}</a></p>
${partial ? `<p style="color:#555">${e(t.keepPrivate)}</p>\n` : ''}<p>${e(w.signOff)}</p>
</body></html>
`;
  return { subject, text, html };
}
