/** What the email-link services share (built once in http/app.ts). */
import type { IngestService } from '../ingest/ingest-service.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { PublicBase } from '../public-base.js';
import type { LinkSigner } from './link-signer.js';
import type { LinkSettingsService } from './link-settings.js';

export interface LinkDeps {
  store: Store;
  signer: LinkSigner;
  ingest: IngestService;
  settings: LinkSettingsService;
  mailer: Mailer;
  now: () => number;
  /** Where links point (configuration only; emails need a configured one, see public-base.ts). */
  publicBase: PublicBase;
}
