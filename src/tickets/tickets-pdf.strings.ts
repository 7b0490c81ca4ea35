import type { SupportedLocale } from '../notifications/templates.strings.js';

/** Every word the tickets PDF prints, in each language the buyer can choose, written by hand. */
export interface TicketsPdfStrings {
  /** The document's title in its properties. */
  documentTitle(eventTitle: string): string;
  seat(label: string): string;
  generalAdmission(area: string): string;
  order(orderId: string): string;
  /** "Ana Rivera · ticket 1 of 2" */
  ticketOf(buyerName: string, n: number, total: number): string;
  oneEntry: string;
}

const nbsp = '\u00a0';

export const pdfStrings: Record<SupportedLocale, TicketsPdfStrings> = {
  en: {
    documentTitle: (title) => `Tickets: ${title}`,
    seat: (label) => `Seat ${label}`,
    generalAdmission: (area) => `General admission: ${area}`,
    order: (id) => `Order ${id}`,
    ticketOf: (buyer, n, total) => `${buyer} · ticket ${n} of ${total}`,
    oneEntry: 'One entry per ticket: the first scan admits, copies are refused.',
  },
  es: {
    documentTitle: (title) => `Entradas: ${title}`,
    seat: (label) => `Asiento ${label}`,
    generalAdmission: (area) => `Entrada general: ${area}`,
    order: (id) => `Pedido ${id}`,
    ticketOf: (buyer, n, total) => `${buyer} · entrada ${n} de ${total}`,
    oneEntry: 'Cada entrada vale para un solo acceso: se admite el primer escaneo y se rechazan las copias.',
  },
  fr: {
    documentTitle: (title) => `Billets${nbsp}: ${title}`,
    seat: (label) => `Place ${label}`,
    generalAdmission: (area) => `Placement libre${nbsp}: ${area}`,
    order: (id) => `Commande ${id}`,
    ticketOf: (buyer, n, total) => `${buyer} · billet ${n} sur ${total}`,
    oneEntry: `Une seule entrée par billet${nbsp}: le premier scan fait entrer, les copies sont refusées.`,
  },
  nl: {
    documentTitle: (title) => `Tickets: ${title}`,
    seat: (label) => `Stoel ${label}`,
    generalAdmission: (area) => `Vrije plaatsen: ${area}`,
    order: (id) => `Bestelling ${id}`,
    ticketOf: (buyer, n, total) => `${buyer} · ticket ${n} van ${total}`,
    oneEntry: 'Eén toegang per ticket: de eerste scan geeft toegang, kopieën worden geweigerd.',
  },
  nb: {
    documentTitle: (title) => `Billetter: ${title}`,
    seat: (label) => `Sete ${label}`,
    generalAdmission: (area) => `Fri plassering: ${area}`,
    order: (id) => `Bestilling ${id}`,
    ticketOf: (buyer, n, total) => `${buyer} · billett ${n} av ${total}`,
    oneEntry: 'Hver billett gir adgang én gang: første skanning slipper inn, kopier blir avvist.',
  },
};
