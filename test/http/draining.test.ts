/**
 * While the server drains for shutdown, answers tell keep-alive clients to close the connection,
 * so that a SIGTERM does not wait for idle keep-alive connections to time out (about 72 s).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createIngest, createLogger } from '../../src/tessera.js';
import { buildApp } from '../../src/http/app.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/storage/open-store.js';
import { createLinkSigner } from '../../src/links/link-signer.js';
import { tempDir } from '../support/tessera-under-test.js';

describe('draining', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('answers with Connection: close while draining, and keeps connections otherwise', async () => {
    const config = loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent' } });
    const store = await openStore(config);
    const logger = createLogger(config);
    const { ingest, privacy, queue, guard } = createIngest(store, config, logger);
    let draining = false;
    const signer = createLinkSigner({ keyring: store.keyring, now: Date.now });
    const app = await buildApp({ store, ingest, privacy, logger, now: Date.now, isDraining: () => draining, signer, guard });
    try {
      assert.notEqual((await app.inject({ method: 'GET', url: '/healthz' })).headers.connection, 'close');
      draining = true;
      const answer = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.headers.connection, 'close');
    } finally {
      await app.close();
      await queue.close();
      await store.close();
    }
  });
});
