/**
 * The base of every absolute URL Tessera hands out (email links, the opt-in confirmation link,
 * the analytics.js settings document): configuration only, never a request header. A forged
 * `Host` must not put an attacker's address into a genuine email with a valid token, nor into a
 * settings document a shared cache keeps.
 *
 * - `TESSERA_PUBLIC_URL` set: that URL (without a trailing slash), source `configured`.
 * - unset: derived from the listen address (`TESSERA_HOST`/`TESSERA_PORT`), source
 *   `listen-address`, so that `npm start` on a laptop works with analytics.js in a browser on the
 *   same machine. A wildcard address (0.0.0.0, ::) becomes `localhost`: the name that reaches a
 *   server listening on every interface from this machine (and through `docker run -p`).
 *   That derived URL is good for a browser here, never for an email: a recipient cannot reach
 *   127.0.0.1 of this machine, and a plain-http listen address is not where people should be
 *   sent. So mail that carries links is refused (`public_url_required`) until the URL is
 *   configured, and `tessera serve` warns at start.
 */
import type { Config } from './config.js';
import { TesseraError } from './core/errors.js';

export interface PublicBase {
  /** `scheme://host[:port][/path]`, without a trailing slash. */
  readonly url: string;
  readonly source: 'configured' | 'listen-address';
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

export function resolvePublicBase(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): PublicBase {
  if (config.publicUrl) return { url: config.publicUrl.replace(/\/+$/, ''), source: 'configured' };
  const host = WILDCARDS.has(config.host) ? 'localhost' : config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host;
  let url: string;
  try {
    url = new URL(`http://${host}:${config.port}`).origin;
  } catch {
    // A listen address that is no URL host (a typo the listener will report): stay usable here.
    url = `http://localhost:${config.port}`;
  }
  return { url, source: 'listen-address' };
}

/** The base for URLs that go into emails; refuses while the public URL is not configured. */
export function emailBase(base: PublicBase): string {
  if (base.source === 'configured') return base.url;
  throw new TesseraError('public_url_required', {
    message: `Emails with links need the address people reach Tessera at: set TESSERA_PUBLIC_URL (e.g. https://t.example.com). Until then links would point at ${base.url}, which only this machine reaches.`,
  });
}

/** The start-up warning while the public URL is not configured; null when it is. */
export function publicBaseWarning(base: PublicBase): string | null {
  if (base.source === 'configured') return null;
  return `TESSERA_PUBLIC_URL is not set: analytics.js is pointed at ${base.url} (the listen address; browsers on other machines cannot reach it), `
    + 'and double opt-in and POST /v1/emails/* are refused until it is set to the address people reach Tessera at.';
}
