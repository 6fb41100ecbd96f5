/**
 * The mail port: how Tessera sends its own emails (double opt-in confirmations, and the simple
 * emails of `POST /v1/emails/send`). The adapter is SMTP (mail/smtp-mailer.ts).
 */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** True when a transport is configured; false makes `send` throw `mail_unavailable`. */
  readonly configured: boolean;
  /**
   * Hands the message to the transport; resolves with the transport's message id once the server
   * accepted it. Throws TesseraError `mail_unavailable` when there is no transport or it refused.
   */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}
