/**
 * The SMTP mailer (nodemailer) behind the Mailer port. Configured by `TESSERA_SMTP_URL`
 * (smtp://user:pass@host:port, or smtps:// for implicit TLS) and `TESSERA_MAIL_FROM`. Without a URL
 * it is a mailer that refuses with `mail_unavailable`, so that the server still starts and the
 * endpoints that need mail say why they cannot work.
 */
import nodemailer from 'nodemailer';
import { TesseraError } from '../core/errors.js';
import type { Mailer } from '../ports/mailer.js';

export function createSmtpMailer(options: { url: string | undefined; from: string }): Mailer {
  if (!options.url) {
    return {
      configured: false,
      send: async () => { throw new TesseraError('mail_unavailable', { message: 'Email is not configured on this server (set TESSERA_SMTP_URL).' }); },
      close: async () => undefined,
    };
  }
  const transport = nodemailer.createTransport(options.url);
  return {
    configured: true,
    async send(mail) {
      try {
        const info = await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, ...(mail.headers ? { headers: mail.headers } : {}) });
        return { messageId: String(info.messageId) };
      } catch (error) {
        throw new TesseraError('mail_unavailable', { message: `The SMTP server did not accept the message: ${(error as Error).message}` });
      }
    },
    async close() {
      transport.close();
    },
  };
}
