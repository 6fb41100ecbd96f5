/**
 * A real SMTP server in the test process (smtp-server), keeping every message it receives, parsed
 * (mailparser). Tessera sends to it over a real socket through its SMTP transport (nodemailer).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  /** smtp://127.0.0.1:<port> */
  url: string;
  messages: ParsedMail[];
  /** The next message not yet taken (waits for it), in arrival order. */
  next(timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiting: Array<() => void> = [];
  let taken = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        messages.push(mail);
        for (const wake of waiting.splice(0)) wake();
        callback();
      }, (error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length <= taken) {
        if (Date.now() > deadline) throw new Error(`no email arrived within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => { waiting.push(resolve); setTimeout(resolve, 200); });
      }
      return messages[taken++]!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first URL in the message's text or HTML matching the pattern. */
export function linkIn(mail: ParsedMail, pattern: RegExp): string {
  const haystack = `${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
  const found = haystack.match(new RegExp(`https?://[^\\s"'<>]*${pattern.source}[^\\s"'<>]*`));
  if (!found) throw new Error(`no link matching ${pattern} in the email:\n${mail.text}`);
  return found[0].replace(/&amp;/g, '&');
}

/** A header's raw value as sent (mailparser folds List-* headers into an object). */
export function headerLine(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((l) => l.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}
