import { createTransport } from 'nodemailer';
import type { Config } from '../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The one thing the outbox needs from email; tests pass fakes. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * The mail server could not be used at all (down, unreachable, refusing our login), as opposed to
 * refusing one message. The outbox then stops the batch without counting an attempt against any
 * message, so an outage never turns good confirmations into 'failed' ones.
 */
export class MailerUnavailableError extends Error {
  constructor(
    readonly code: string,
    options?: { cause: unknown },
  ) {
    super(`mail server unavailable (${code})`, options);
    this.name = 'MailerUnavailableError';
  }
}

const serverWide = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EPROXY', 'ECONFIG']);

function asUnavailable(error: unknown): unknown {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  // 421 is the server saying it is closing the channel: about the server, not the message.
  if (serverWide.has(String(code)) || responseCode === 421) return new MailerUnavailableError(String(code), { cause: error });
  return error;
}

/** An SMTP mailer from SMTP_URL, or undefined without one (the outbox then keeps messages). */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer | undefined {
  if (!config.smtpUrl) return undefined;
  // The outbox sends inside a transaction that holds row locks, so a silent SMTP server must give
  // up in seconds, not after nodemailer's default ten minutes. Query parameters in the URL
  // (`?socketTimeout=60000`, `?pool=true`) override these.
  const transport = createTransport({
    url: config.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: config.mailFrom, ...message });
      } catch (error) {
        throw asUnavailable(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
