import type { CardOutcome } from './cards.js';

/** The hosted form's few strings, in every language the box office supports. English is the default. */
export const LANGUAGES = ['en', 'es', 'fr', 'nl', 'nb'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface FormStrings {
  title: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  pay: string;
  testCards: string;
  invalidCardNumber: string;
  invalidExpiry: string;
  invalidCvc: string;
  failed: string;
  done: string;
  invalidSession: string;
  /** The expiry field's placeholder, in the letters the language abbreviates month and year with. */
  expiryPlaceholder: string;
  /** What each test card does, for the help list. */
  outcomes: Record<CardOutcome, string>;
}

export const STRINGS: Record<Language, FormStrings> = {
  en: {
    title: 'Card payment',
    cardNumber: 'Card number',
    expiry: 'Expiry (MM/YY)',
    cvc: 'CVC',
    pay: 'Pay',
    testCards: 'Test cards (any future expiry, any 3-digit CVC)',
    invalidCardNumber: 'Check the card number.',
    invalidExpiry: 'Check the expiry date.',
    invalidCvc: 'Check the CVC.',
    failed: 'The card could not be sent. Please try again.',
    done: 'Card accepted.',
    invalidSession: 'This payment link is not valid.',
    expiryPlaceholder: 'MM/YY',
    outcomes: {
      succeeded: 'succeeds',
      card_declined: 'is declined',
      insufficient_funds: 'is declined: insufficient funds',
      expired_card: 'is declined: expired card',
    },
  },
  es: {
    title: 'Pago con tarjeta',
    cardNumber: 'Número de tarjeta',
    expiry: 'Caducidad (MM/AA)',
    cvc: 'CVC',
    pay: 'Pagar',
    testCards: 'Tarjetas de prueba (cualquier caducidad futura, cualquier CVC de 3 cifras)',
    invalidCardNumber: 'Revisa el número de tarjeta.',
    invalidExpiry: 'Revisa la fecha de caducidad.',
    invalidCvc: 'Revisa el CVC.',
    failed: 'No se pudo enviar la tarjeta. Inténtalo de nuevo.',
    done: 'Tarjeta aceptada.',
    invalidSession: 'Este enlace de pago no es válido.',
    expiryPlaceholder: 'MM/AA',
    outcomes: {
      succeeded: 'se acepta',
      card_declined: 'se rechaza',
      insufficient_funds: 'se rechaza: fondos insuficientes',
      expired_card: 'se rechaza: tarjeta caducada',
    },
  },
  fr: {
    title: 'Paiement par carte',
    cardNumber: 'Numéro de carte',
    expiry: 'Expiration (MM/AA)',
    cvc: 'CVC',
    pay: 'Payer',
    testCards: 'Cartes de test (toute date future, tout CVC à 3 chiffres)',
    invalidCardNumber: 'Vérifiez le numéro de carte.',
    invalidExpiry: 'Vérifiez la date d’expiration.',
    invalidCvc: 'Vérifiez le CVC.',
    failed: 'La carte n’a pas pu être envoyée. Veuillez réessayer.',
    done: 'Carte acceptée.',
    invalidSession: 'Ce lien de paiement n’est pas valide.',
    expiryPlaceholder: 'MM/AA',
    outcomes: {
      succeeded: 'est acceptée',
      card_declined: 'est refusée',
      insufficient_funds: 'est refusée : provision insuffisante',
      expired_card: 'est refusée : carte expirée',
    },
  },
  nl: {
    title: 'Betalen met kaart',
    cardNumber: 'Kaartnummer',
    expiry: 'Vervaldatum (MM/JJ)',
    cvc: 'CVC',
    pay: 'Betalen',
    testCards: 'Testkaarten (elke toekomstige vervaldatum, elke CVC van 3 cijfers)',
    invalidCardNumber: 'Controleer het kaartnummer.',
    invalidExpiry: 'Controleer de vervaldatum.',
    invalidCvc: 'Controleer de CVC.',
    failed: 'De kaart kon niet worden verstuurd. Probeer het opnieuw.',
    done: 'Kaart geaccepteerd.',
    invalidSession: 'Deze betaallink is niet geldig.',
    expiryPlaceholder: 'MM/JJ',
    outcomes: {
      succeeded: 'wordt geaccepteerd',
      card_declined: 'wordt geweigerd',
      insufficient_funds: 'wordt geweigerd: onvoldoende saldo',
      expired_card: 'wordt geweigerd: verlopen kaart',
    },
  },
  nb: {
    title: 'Kortbetaling',
    cardNumber: 'Kortnummer',
    expiry: 'Utløpsdato (MM/ÅÅ)',
    cvc: 'CVC',
    pay: 'Betal',
    testCards: 'Testkort (enhver fremtidig utløpsdato, enhver tresifret CVC)',
    invalidCardNumber: 'Sjekk kortnummeret.',
    invalidExpiry: 'Sjekk utløpsdatoen.',
    invalidCvc: 'Sjekk CVC-en.',
    failed: 'Kortet kunne ikke sendes. Prøv igjen.',
    done: 'Kortet er godtatt.',
    invalidSession: 'Denne betalingslenken er ikke gyldig.',
    expiryPlaceholder: 'MM/ÅÅ',
    outcomes: {
      succeeded: 'godtas',
      card_declined: 'avvises',
      insufficient_funds: 'avvises: ikke dekning',
      expired_card: 'avvises: utløpt kort',
    },
  },
};

/** The first supported language among those given (a tag such as `es-PR` counts as `es`), else English. */
export function pickLanguage(...wanted: unknown[]): Language {
  for (const lang of wanted) {
    if (typeof lang !== 'string') continue;
    const base = lang.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((candidate) => candidate === base);
    if (found) return found;
  }
  return 'en';
}
