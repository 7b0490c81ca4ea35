import type { SupportedLocale } from './templates.strings.js';

/**
 * The words of the emails that tell a buyer their order changed: a refund (whole or of some
 * tickets) and a cancellation. Written by hand in each language; the greeting, labels and colon
 * come from the confirmation's strings so the emails read alike. French puts a no-break space
 * before `: ; ! ?`.
 */
export interface OrderChangeStrings {
  refundSubject(eventTitle: string): string;
  partialRefundSubject(eventTitle: string): string;
  cancelSubject(eventTitle: string): string;
  refundIntro: string;
  partialRefundIntro: string;
  cancelIntroPaid: string;
  cancelIntroUnpaid: string;
  refundedTickets: string;
  cancelledTickets: string;
  amountRefunded: string;
  /** When and how the money comes back, by how the order was paid. */
  payoutCard: string;
  payoutCounter: string;
  payoutNone: string;
  cancelNoMoney: string;
  viewOrder: string;
  viewRemaining: string;
  signOff: string;
}

const nbsp = '\u00a0';

export const orderChangeStrings: Record<SupportedLocale, OrderChangeStrings> = {
  en: {
    refundSubject: (title) => `Refund for your order: ${title}`,
    partialRefundSubject: (title) => `Partial refund for your order: ${title}`,
    cancelSubject: (title) => `Your order has been cancelled: ${title}`,
    refundIntro: 'We have refunded your order. The tickets below no longer work at the entrance.',
    partialRefundIntro: 'We have refunded part of your order. The tickets below no longer work at the entrance; your other tickets stay valid.',
    cancelIntroPaid: 'The box office has cancelled your order. The tickets below no longer work at the entrance.',
    cancelIntroUnpaid: 'Your order was cancelled before it was paid. You have not been charged, and the places held for you are released.',
    refundedTickets: 'Refunded tickets',
    cancelledTickets: 'Cancelled tickets',
    amountRefunded: 'Amount refunded',
    payoutCard: 'The money goes back to the card you paid with. Depending on your bank, it shows on your statement within 5 to 10 business days.',
    payoutCounter: 'You paid at the box office: the money is returned to you there, the way you paid.',
    payoutNone: 'These tickets were free of charge, so there is nothing to pay back.',
    cancelNoMoney: 'This cancellation did not return any money. If you believe you are owed a refund, contact the box office and quote your order number.',
    viewOrder: 'View your order',
    viewRemaining: 'View your remaining tickets',
    signOff: 'We hope to see you at another show.',
  },
  es: {
    refundSubject: (title) => `Reembolso de tu pedido: ${title}`,
    partialRefundSubject: (title) => `Reembolso parcial de tu pedido: ${title}`,
    cancelSubject: (title) => `Tu pedido ha sido cancelado: ${title}`,
    refundIntro: 'Hemos reembolsado tu pedido. Las entradas de abajo ya no sirven para entrar.',
    partialRefundIntro: 'Hemos reembolsado parte de tu pedido. Las entradas de abajo ya no sirven para entrar; el resto de tus entradas siguen siendo válidas.',
    cancelIntroPaid: 'La taquilla ha cancelado tu pedido. Las entradas de abajo ya no sirven para entrar.',
    cancelIntroUnpaid: 'Tu pedido se ha cancelado antes de pagarse. No se te ha cobrado nada y las plazas que tenías reservadas han quedado libres.',
    refundedTickets: 'Entradas reembolsadas',
    cancelledTickets: 'Entradas canceladas',
    amountRefunded: 'Importe reembolsado',
    payoutCard: 'El dinero vuelve a la tarjeta con la que pagaste. Según tu banco, lo verás en tu extracto en un plazo de 5 a 10 días hábiles.',
    payoutCounter: 'Pagaste en la taquilla: allí te devolvemos el dinero, por el mismo medio con el que pagaste.',
    payoutNone: 'Estas entradas eran gratuitas, así que no hay nada que devolver.',
    cancelNoMoney:
      'Esta cancelación no incluye ningún reembolso. Si crees que te corresponde uno, ponte en contacto con la taquilla e indica tu número de pedido.',
    viewOrder: 'Ver tu pedido',
    viewRemaining: 'Ver tus entradas restantes',
    signOff: 'Esperamos verte en otro espectáculo.',
  },
  fr: {
    refundSubject: (title) => `Remboursement de votre commande${nbsp}: ${title}`,
    partialRefundSubject: (title) => `Remboursement partiel de votre commande${nbsp}: ${title}`,
    cancelSubject: (title) => `Votre commande a été annulée${nbsp}: ${title}`,
    refundIntro: 'Nous avons remboursé votre commande. Les billets ci-dessous ne permettent plus d’entrer.',
    partialRefundIntro: `Nous avons remboursé une partie de votre commande. Les billets ci-dessous ne permettent plus d’entrer${nbsp}; vos autres billets restent valables.`,
    cancelIntroPaid: 'La billetterie a annulé votre commande. Les billets ci-dessous ne permettent plus d’entrer.',
    cancelIntroUnpaid: 'Votre commande a été annulée avant d’être payée. Vous n’avez pas été débité et les places qui vous étaient réservées ont été libérées.',
    refundedTickets: 'Billets remboursés',
    cancelledTickets: 'Billets annulés',
    amountRefunded: 'Montant remboursé',
    payoutCard: 'L’argent est reversé sur la carte avec laquelle vous avez payé. Selon votre banque, il apparaîtra sur votre relevé sous 5 à 10 jours ouvrés.',
    payoutCounter: `Vous avez payé à la billetterie${nbsp}: l’argent vous y est rendu, par le moyen de paiement utilisé.`,
    payoutNone: `Ces billets étaient gratuits${nbsp}: il n’y a donc rien à rembourser.`,
    cancelNoMoney:
      'Cette annulation ne s’accompagne d’aucun remboursement. Si vous pensez y avoir droit, contactez la billetterie en indiquant votre numéro de commande.',
    viewOrder: 'Voir votre commande',
    viewRemaining: 'Voir vos billets restants',
    signOff: 'Au plaisir de vous revoir à un prochain spectacle.',
  },
  nl: {
    refundSubject: (title) => `Terugbetaling van je bestelling: ${title}`,
    partialRefundSubject: (title) => `Gedeeltelijke terugbetaling van je bestelling: ${title}`,
    cancelSubject: (title) => `Je bestelling is geannuleerd: ${title}`,
    refundIntro: 'We hebben je bestelling terugbetaald. Met de tickets hieronder kom je niet meer binnen.',
    partialRefundIntro:
      'We hebben een deel van je bestelling terugbetaald. Met de tickets hieronder kom je niet meer binnen; je andere tickets blijven geldig.',
    cancelIntroPaid: 'De kassa heeft je bestelling geannuleerd. Met de tickets hieronder kom je niet meer binnen.',
    cancelIntroUnpaid:
      'Je bestelling is geannuleerd voordat ze betaald was. Er is niets afgeschreven en de plaatsen die voor je werden vastgehouden, zijn vrijgegeven.',
    refundedTickets: 'Terugbetaalde tickets',
    cancelledTickets: 'Geannuleerde tickets',
    amountRefunded: 'Terugbetaald bedrag',
    payoutCard:
      'Het geld gaat terug naar de kaart waarmee je hebt betaald. Afhankelijk van je bank zie je het binnen 5 tot 10 werkdagen op je rekeningoverzicht.',
    payoutCounter: 'Je hebt aan de kassa betaald: daar krijg je het geld terug, op dezelfde manier als je betaalde.',
    payoutNone: 'Deze tickets waren gratis, dus er valt niets terug te betalen.',
    cancelNoMoney:
      'Bij deze annulering is geen geld terugbetaald. Denk je dat je recht hebt op een terugbetaling, neem dan contact op met de kassa en vermeld je bestelnummer.',
    viewOrder: 'Bekijk je bestelling',
    viewRemaining: 'Bekijk je overige tickets',
    signOff: 'Hopelijk tot bij een volgende voorstelling.',
  },
  nb: {
    refundSubject: (title) => `Refusjon av bestillingen din: ${title}`,
    partialRefundSubject: (title) => `Delvis refusjon av bestillingen din: ${title}`,
    cancelSubject: (title) => `Bestillingen din er kansellert: ${title}`,
    refundIntro: 'Vi har refundert bestillingen din. Billettene nedenfor gir ikke lenger adgang.',
    partialRefundIntro:
      'Vi har refundert en del av bestillingen din. Billettene nedenfor gir ikke lenger adgang; de andre billettene dine er fortsatt gyldige.',
    cancelIntroPaid: 'Billettkontoret har kansellert bestillingen din. Billettene nedenfor gir ikke lenger adgang.',
    cancelIntroUnpaid: 'Bestillingen din ble kansellert før den var betalt. Du er ikke belastet, og plassene som var holdt av til deg, er frigitt.',
    refundedTickets: 'Refunderte billetter',
    cancelledTickets: 'Kansellerte billetter',
    amountRefunded: 'Refundert beløp',
    payoutCard: 'Pengene går tilbake til kortet du betalte med. Avhengig av banken din ser du dem på kontoutskriften innen 5 til 10 virkedager.',
    payoutCounter: 'Du betalte i billettluken: der får du pengene tilbake, på samme måte som du betalte.',
    payoutNone: 'Disse billettene var gratis, så det er ingenting å betale tilbake.',
    cancelNoMoney:
      'Denne kanselleringen ga ingen tilbakebetaling. Mener du at du har krav på refusjon, kan du kontakte billettkontoret og oppgi bestillingsnummeret.',
    viewOrder: 'Se bestillingen din',
    viewRemaining: 'Se de gjenværende billettene dine',
    signOff: 'Vi håper å se deg på en annen forestilling.',
  },
};
