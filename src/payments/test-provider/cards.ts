import { AppError } from '../../platform/errors.js';

/**
 * Card checks of the hosted form. Like Stripe's test mode, a few well-known numbers pick the
 * outcome, so every path of the checkout can be exercised without a real card.
 */
export type CardOutcome = 'succeeded' | 'card_declined' | 'insufficient_funds' | 'expired_card';

export interface CardInput {
  cardNumber: string;
  expiry: string;
  cvc: string;
}

export interface CheckedCard {
  outcome: CardOutcome;
  last4: string;
  brand: string;
}

/** Numbers that do not succeed; any other Luhn-valid number does. */
export const TEST_CARDS: Readonly<Record<string, CardOutcome>> = {
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
};

/** Shown as help text on the form. */
export const TEST_CARD_HELP: readonly { number: string; outcome: CardOutcome }[] = [
  { number: '4242 4242 4242 4242', outcome: 'succeeded' },
  { number: '4000 0000 0000 0002', outcome: 'card_declined' },
  { number: '4000 0000 0000 9995', outcome: 'insufficient_funds' },
  { number: '4000 0000 0000 0069', outcome: 'expired_card' },
];

const invalid = (field: keyof CardInput, message: string) => new AppError('invalid_card', 400, message, { field });

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function brandOf(digits: string): string {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65)/.test(digits)) return 'discover';
  return 'unknown';
}

/** A card is good through the last day of its expiry month (UTC, as the test provider has no issuer). */
function checkExpiry(expiry: unknown, nowMs: number): void {
  const match = typeof expiry === 'string' ? /^\s*(\d{2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(expiry) : null;
  if (!match) throw invalid('expiry', 'The expiry date must look like MM/YY');
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) throw invalid('expiry', 'The expiry month must be between 01 and 12');
  if (nowMs >= Date.UTC(year, month, 1)) throw invalid('expiry', 'The card has expired');
}

/** Validates the card and says what the test provider will do with it; throws AppError('invalid_card') naming the field. */
export function checkCard(card: CardInput, nowMs: number): CheckedCard {
  const digits = typeof card.cardNumber === 'string' ? card.cardNumber.replace(/ /g, '') : '';
  if (!/^\d{12,19}$/.test(digits)) throw invalid('cardNumber', 'The card number must have 12 to 19 digits');
  if (!luhnValid(digits)) throw invalid('cardNumber', 'The card number is not valid');
  checkExpiry(card.expiry, nowMs);
  if (typeof card.cvc !== 'string' || !/^\d{3,4}$/.test(card.cvc)) throw invalid('cvc', 'The CVC must have 3 or 4 digits');
  return { outcome: TEST_CARDS[digits] ?? 'succeeded', last4: digits.slice(-4), brand: brandOf(digits) };
}
