import PDFDocument from 'pdfkit';
import { encode } from 'uqr';
import { formatMoney, formatZoned, resolveLocale } from '../notifications/templates.js';
import { pdfStrings } from './tickets-pdf.strings.js';

/** What the tickets PDF shows; prices in minor units. Pure data, so the PDF can be built anywhere. */
export interface TicketsPdfInput {
  orderId: string;
  buyerName: string;
  /** The buyer's language tag: every word is in it, and dates and prices are formatted in it. */
  locale: string;
  /** In the buyer's language where the operator gave one. */
  eventTitle: string;
  venueName: string;
  startsAt: Date;
  /** The venue's IANA time zone: the time is printed in it, the zone named. */
  timeZone: string;
  tickets: { code: string; label: string; ga: boolean; categoryName: string; price: number; currency: string }[];
}

export interface QrSquare {
  x: number;
  y: number;
  size: number;
}

/**
 * The QR code of a ticket code as filled squares inside a `width` box at (x, y): one per dark
 * module of `encode(code)` at error correction M (a scuffed printout or a cracked phone screen
 * still scans). No border from uqr: the page margin around the box is the quiet zone.
 */
export function qrSquares(code: string, x: number, y: number, width: number): { modules: number; squares: QrSquare[] } {
  const qr = encode(code, { ecc: 'M', border: 0 });
  const size = width / qr.size;
  const squares: QrSquare[] = [];
  qr.data.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) squares.push({ x: x + c * size, y: y + r * size, size });
    }),
  );
  return { modules: qr.size, squares };
}

// A6 portrait: a ticket per page that prints on A4 four-up or shows whole on a phone.
const PAGE = { width: 297.64, height: 419.53, margin: 20 };
const WIDTH = PAGE.width - 2 * PAGE.margin;
const QR_WIDTH = 170;

/**
 * One page per ticket: event, venue, time, place, category and price, QR code and its text, order
 * and buyer. Every text has a fixed box and is cut with an ellipsis, so a long title can never
 * push content onto an extra page.
 */
export function renderTicketsPdf(input: TicketsPdfInput): Promise<Buffer> {
  const locale = resolveLocale(input.locale);
  const t = pdfStrings[locale];
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: PAGE.margin,
    autoFirstPage: false,
    info: { Title: t.documentTitle(input.eventTitle), Author: 'Taquilla' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const box = (text: string, y: number, font: string, size: number, lines = 1, align: 'left' | 'center' | 'right' = 'left') =>
    doc
      .font(font)
      .fontSize(size)
      .text(text, PAGE.margin, y, { width: WIDTH, height: lines * size * 1.25, ellipsis: true, align });
  const when = formatZoned(input.startsAt, input.timeZone, locale);

  input.tickets.forEach((ticket, i) => {
    doc.addPage();
    box(input.eventTitle, 20, 'Helvetica-Bold', 14, 2);
    box(input.venueName, 58, 'Helvetica', 9);
    box(when, 70, 'Helvetica', 9, 2);
    box(ticket.ga ? t.generalAdmission(ticket.label) : t.seat(ticket.label), 98, 'Helvetica-Bold', 12);
    box(formatMoney(ticket.price, ticket.currency, locale), 114, 'Helvetica', 9, 1, 'right');
    doc.text(ticket.categoryName, PAGE.margin, 114, { width: WIDTH - 80, height: 11, ellipsis: true });

    const qrTop = 132;
    for (const s of qrSquares(ticket.code, (PAGE.width - QR_WIDTH) / 2, qrTop, QR_WIDTH).squares) doc.rect(s.x, s.y, s.size, s.size);
    doc.fill('#000000');

    box(ticket.code, qrTop + QR_WIDTH + 8, 'Courier', 5.5, 3, 'center');
    box(t.order(input.orderId), 335, 'Helvetica', 8);
    box(t.ticketOf(input.buyerName, i + 1, input.tickets.length), 346, 'Helvetica', 8);
    doc.fillColor('#555555');
    box(t.oneEntry, 362, 'Helvetica', 7, 2);
    doc.fillColor('#000000');
  });
  doc.end();
  return done;
}
