/**
 * The order confirmation's words in every supported language, written by hand rather than machine
 * translated. French puts a no-break space before `: ; ! ?`, as French typography does.
 */
export const supportedLocales = ['es', 'en', 'fr', 'nl', 'nb'] as const;
export type SupportedLocale = (typeof supportedLocales)[number];

export interface ConfirmationStrings {
  subject(eventTitle: string): string;
  greeting(buyerName: string): string;
  /** Between a label and its value: French spaces its colons. */
  colon: string;
  intro: string;
  /** Instead of `intro` when the tickets were given, not bought (a comp from the box office). */
  introComplimentary: string;
  /** Instead of a price of 0 on each line and on the total of a complimentary order. */
  complimentary: string;
  ticketsFor(eventTitle: string): string;
  when: string;
  where: string;
  order: string;
  total: string;
  viewTickets: string;
  qrCodes: string;
  keepPrivate: string;
  signOff: string;
}

const nbsp = '\u00a0';

export const strings: Record<SupportedLocale, ConfirmationStrings> = {
  es: {
    subject: (title) => `Pedido confirmado: ${title}`,
    greeting: (name) => `Hola, ${name}:`,
    colon: ': ',
    intro: 'Gracias por tu compra. Tu pedido está confirmado.',
    introComplimentary: 'La taquilla te invita: tus boletos de cortesía están listos.',
    complimentary: 'Cortesía',
    ticketsFor: (title) => `Tus entradas para ${title}`,
    when: 'Fecha',
    where: 'Lugar',
    order: 'Pedido',
    total: 'Total',
    viewTickets: 'Ver tus entradas',
    qrCodes: 'Los códigos QR de tus entradas están en la página del pedido; muéstralos en el acceso al recinto.',
    keepPrivate: 'Este enlace da acceso a tus entradas: no lo compartas con nadie ni reenvíes este correo.',
    signOff: '¡Que disfrutes!',
  },
  en: {
    subject: (title) => `Order confirmed: ${title}`,
    greeting: (name) => `Hi ${name},`,
    colon: ': ',
    intro: 'Thank you for your purchase. Your order is confirmed.',
    introComplimentary: 'The box office has sent you complimentary tickets. They are ready.',
    complimentary: 'Complimentary',
    ticketsFor: (title) => `Your tickets for ${title}`,
    when: 'When',
    where: 'Where',
    order: 'Order',
    total: 'Total',
    viewTickets: 'View your tickets',
    qrCodes: "Your tickets' QR codes are on the order page; show them at the entrance.",
    keepPrivate: "This link gives access to your tickets: keep it private and don't forward this email.",
    signOff: 'Enjoy the show!',
  },
  fr: {
    subject: (title) => `Commande confirmée${nbsp}: ${title}`,
    greeting: (name) => `Bonjour ${name},`,
    colon: `${nbsp}: `,
    intro: 'Merci pour votre achat. Votre commande est confirmée.',
    introComplimentary: 'La billetterie vous offre ces billets. Ils sont prêts.',
    complimentary: 'Offert',
    ticketsFor: (title) => `Vos billets pour ${title}`,
    when: 'Date',
    where: 'Lieu',
    order: 'Commande',
    total: 'Total',
    viewTickets: 'Voir vos billets',
    qrCodes: `Les codes QR de vos billets se trouvent sur la page de votre commande${nbsp}; présentez-les à l’entrée.`,
    keepPrivate: `Ce lien donne accès à vos billets${nbsp}: ne le partagez avec personne et ne transférez pas cet e-mail.`,
    signOff: `Bon spectacle${nbsp}!`,
  },
  nl: {
    subject: (title) => `Bestelling bevestigd: ${title}`,
    greeting: (name) => `Hallo ${name},`,
    colon: ': ',
    intro: 'Bedankt voor je aankoop. Je bestelling is bevestigd.',
    introComplimentary: 'De kassa heeft je vrijkaarten gestuurd. Ze staan klaar.',
    complimentary: 'Vrijkaart',
    ticketsFor: (title) => `Je tickets voor ${title}`,
    when: 'Wanneer',
    where: 'Waar',
    order: 'Bestelling',
    total: 'Totaal',
    viewTickets: 'Bekijk je tickets',
    qrCodes: 'De QR-codes van je tickets staan op de bestelpagina; laat ze zien bij de ingang.',
    keepPrivate: 'Met deze link heb je toegang tot je tickets: deel hem met niemand en stuur deze e-mail niet door.',
    signOff: 'Veel plezier!',
  },
  nb: {
    subject: (title) => `Bestillingen er bekreftet: ${title}`,
    greeting: (name) => `Hei ${name},`,
    colon: ': ',
    intro: 'Takk for kjøpet. Bestillingen din er bekreftet.',
    introComplimentary: 'Billettkontoret har sendt deg fribilletter. De er klare.',
    complimentary: 'Fribillett',
    ticketsFor: (title) => `Billettene dine til ${title}`,
    when: 'Når',
    where: 'Hvor',
    order: 'Bestilling',
    total: 'Totalt',
    viewTickets: 'Se billettene dine',
    qrCodes: 'QR-kodene til billettene finner du på bestillingssiden. Vis dem frem ved inngangen.',
    keepPrivate: 'Denne lenken gir tilgang til billettene dine. Ikke del den med andre, og ikke videresend denne e-posten.',
    signOff: 'God fornøyelse!',
  },
};
