import type { NewOutboxMessage } from '../platform/database.types.js';
import { notFound } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import { MailerUnavailableError, type Mailer } from './mailer.js';
import {
  claimQueued,
  findMessage,
  insertMessage,
  listMessages,
  markFailed,
  markKept,
  markSent,
  type MessageFilter,
  type OutboxMessage,
} from './outbox.repository.js';
import { renderOrderChange, type OrderChange } from './order-change-templates.js';
import { renderOrderConfirmation, resolveLocale, type OrderConfirmation } from './templates.js';

/**
 * Writes the confirmation email into the outbox. Pass the order's open transaction: the email then
 * exists exactly when the order does, and is sent only after that transaction commits.
 */
export async function enqueueOrderConfirmation(db: Db | Tx, input: OrderConfirmation): Promise<string> {
  return insertMessage(db, orderConfirmationMessage(input));
}

/** The confirmation email as its outbox row, for a statement that writes it with the order's other rows. */
export function orderConfirmationMessage(input: OrderConfirmation): NewOutboxMessage {
  const email = renderOrderConfirmation(input);
  return {
    kind: 'order_confirmation',
    recipient: input.buyerEmail,
    locale: resolveLocale(input.locale),
    subject: email.subject,
    body_text: email.text,
    body_html: email.html,
    status: 'queued',
    order_id: input.orderId,
  };
}

/**
 * Writes the email telling the buyer their order was refunded or cancelled, in the transaction
 * that changes the order: the buyer hears of exactly the changes that happened, once each.
 */
export async function enqueueOrderChange(db: Db | Tx, input: OrderChange): Promise<string> {
  const email = renderOrderChange(input);
  return insertMessage(db, {
    kind: input.kind === 'refund' ? 'order_refund' : 'order_cancellation',
    recipient: input.buyerEmail,
    locale: resolveLocale(input.locale),
    subject: email.subject,
    body_text: email.text,
    body_html: email.html,
    status: 'queued',
    order_id: input.orderId,
  });
}

/** Any other email (staff invitations, account emails), written in the caller's transaction. */
export async function enqueueEmail(
  db: Db | Tx,
  email: { kind: string; recipient: string; locale: string; subject: string; text: string; html: string },
): Promise<string> {
  return insertMessage(db, {
    kind: email.kind,
    recipient: email.recipient,
    locale: email.locale,
    subject: email.subject,
    body_text: email.text,
    body_html: email.html,
    status: 'queued',
    order_id: null,
  });
}

export interface DeliveryResult {
  claimed: number;
  sent: number;
  kept: number;
  /** Failed this time, queued to try again. */
  retrying: number;
  /** Failed for the last time; left for the operator. */
  failed: number;
  /** Which messages failed and a short reason (an error code, never an address), for the log. */
  errors: { id: string; reason: string }[];
  /** Set when the mail server could not be used; the rest of the batch stays queued. */
  unavailable?: string;
}

/** An error code such as ECONNECTION or EENVELOPE; SMTP texts often quote the recipient. */
function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  return code ?? (error instanceof Error ? error.name : 'unknown');
}

function detailOf(error: unknown): string {
  return error instanceof Error ? `${reasonOf(error)}: ${error.message}` : String(error);
}

/**
 * Sends one batch of queued messages, or with no mailer marks them 'kept'. The batch's row locks
 * are the claim: they are held while sending, so a concurrent run skips these messages, and a
 * crash mid-batch rolls the claim back so the messages go out later (at least once, perhaps twice;
 * never lost). A message the server refuses is retried on a later run, up to MAX_ATTEMPTS; an
 * unusable server ends the batch and counts against no message.
 */
export async function deliverOutbox(db: Db, mailer: Mailer | undefined, options: { batch?: number } = {}): Promise<DeliveryResult> {
  const batch = options.batch ?? 20;
  return db.transaction().execute(async (tx) => {
    const messages = await claimQueued(tx, batch);
    const result: DeliveryResult = { claimed: messages.length, sent: 0, kept: 0, retrying: 0, failed: 0, errors: [] };
    if (!mailer) {
      await markKept(
        tx,
        messages.map((message) => message.id),
      );
      result.kept = messages.length;
      return result;
    }
    for (const message of messages) {
      try {
        await mailer.send({ to: message.recipient, subject: message.subject, text: message.body_text, html: message.body_html });
      } catch (error) {
        if (error instanceof MailerUnavailableError) {
          result.unavailable = error.code;
          break;
        }
        const status = await markFailed(tx, message.id, detailOf(error));
        if (status === 'failed') result.failed += 1;
        else result.retrying += 1;
        result.errors.push({ id: message.id, reason: reasonOf(error) });
        continue;
      }
      await markSent(tx, message.id);
      result.sent += 1;
    }
    return result;
  });
}

export function listOutbox(db: Db, filter: MessageFilter): Promise<{ messages: OutboxMessage[]; total: number }> {
  return listMessages(db, filter);
}

export async function getOutboxMessage(db: Db, id: string): Promise<OutboxMessage> {
  const message = await findMessage(db, id);
  if (!message) throw notFound('message', id);
  return message;
}
