import { strings, supportedLocales, type SupportedLocale } from './templates.strings.js';
import { formatZoned } from './zoned-dates.js';

export { supportedLocales, type SupportedLocale };

export interface OrderConfirmation {
  orderId: string;
  buyerName: string;
  buyerEmail: string;
  /** The buyer's language tag; see `resolveLocale`. */
  locale: string;
  eventTitle: string;
  venueName: string;
  startsAt: Date;
  /** The venue's IANA time zone: the time is shown in it, the zone named; without one, in UTC, saying so. */
  timeZone?: string;
  /** Prices in minor units (cents). */
  tickets: { id: string; label: string; categoryName: string; price: number; currency: string }[];
  total: number;
  currency: string;
  /** The order page, with its access token; the tickets and their QR codes are shown there. */
  orderUrl: string;
  /** Given by the box office, not bought: says so, and shows "Complimentary" where prices would be 0. */
  complimentary?: boolean;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** 'es-PR' -> 'es'; Norwegian in any form ('no', 'nn-NO') -> Bokmål; anything else -> 'en'. */
export function resolveLocale(tag: string): SupportedLocale {
  const language = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (language === 'no' || language === 'nn') return 'nb';
  return (supportedLocales as readonly string[]).includes(language) ? (language as SupportedLocale) : 'en';
}

/** Keeps the buyer's region for formats ('en-GB' dates, 'fr-CH' money) when the tag is valid and in the same language. */
export function formattingLocale(tag: string, locale: SupportedLocale): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    if (canonical && canonical.split('-')[0]!.toLowerCase() === locale) return canonical;
  } catch {
    // A malformed tag only costs the regional format.
  }
  return locale;
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// Building an Intl formatter costs far more than using one, and every paid order renders an email.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = formatters.get(key) as T | undefined;
  if (!format) {
    format = make();
    if (formatters.size < 500) formatters.set(key, format);
  }
  return format;
}

export { formatZoned };

export function formatMoney(minor: number, currency: string, locale: string): string {
  const format = cached(`n\0${locale}\0${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));
  // Intl knows each currency's minor unit: 2 digits for EUR, 0 for JPY, 3 for KWD.
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** A mail header's value on one line, whatever an event's title or a buyer's name holds. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes from the header
export const headerLine = (value: string) => value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export function renderOrderConfirmation(input: OrderConfirmation): RenderedEmail {
  const locale = resolveLocale(input.locale);
  const t = strings[locale];
  const intl = formattingLocale(input.locale, locale);
  const when = formatZoned(input.startsAt, input.timeZone ?? 'UTC', locale, intl);
  const lines = input.tickets.map((ticket) => ({
    text: `${ticket.label} (${ticket.categoryName})`,
    price: input.complimentary ? t.complimentary : formatMoney(ticket.price, ticket.currency, intl),
  }));
  const total = input.complimentary ? t.complimentary : formatMoney(input.total, input.currency, intl);
  const intro = input.complimentary ? t.introComplimentary : t.intro;
  const subject = headerLine(t.subject(input.eventTitle));

  const text = [
    t.greeting(input.buyerName),
    '',
    intro,
    '',
    t.ticketsFor(input.eventTitle),
    `${t.when}${t.colon}${when}`,
    `${t.where}${t.colon}${input.venueName}`,
    `${t.order}${t.colon}${input.orderId}`,
    '',
    ...lines.map((line) => `- ${line.text}${t.colon}${line.price}`),
    `${t.total}${t.colon}${total}`,
    '',
    `${t.viewTickets}${t.colon}${input.orderUrl}`,
    t.qrCodes,
    t.keepPrivate,
    '',
    t.signOff,
    '',
  ].join('\n');

  const e = escapeHtml;
  const label = (name: string) => e(name + t.colon.trimEnd());
  const cell = 'style="padding:4px 0"';
  const html = `<!doctype html>
<html lang="${e(locale)}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(t.greeting(input.buyerName))}</p>
<p>${e(intro)}</p>
<h1 style="font-size:20px">${e(t.ticketsFor(input.eventTitle))}</h1>
<p><strong>${label(t.when)}</strong> ${e(when)}<br><strong>${label(t.where)}</strong> ${e(input.venueName)}<br><strong>${label(t.order)}</strong> ${e(input.orderId)}</p>
<table style="width:100%;border-collapse:collapse">
${lines.map((line) => `<tr><td ${cell}>${e(line.text)}</td><td ${cell} align="right">${e(line.price)}</td></tr>`).join('\n')}
<tr><td ${cell}><strong>${e(t.total)}</strong></td><td ${cell} align="right"><strong>${e(total)}</strong></td></tr>
</table>
<p><a href="${e(input.orderUrl)}" style="display:inline-block;background:#1a1a1a;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${e(t.viewTickets)}</a></p>
<p>${e(t.qrCodes)}</p>
<p style="color:#555">${e(t.keepPrivate)}</p>
<p>${e(t.signOff)}</p>
</body></html>
`;
  return { subject, text, html };
}
