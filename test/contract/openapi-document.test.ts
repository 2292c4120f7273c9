import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSuite } from '../support/app.js';

/**
 * The OpenAPI document is committed (openapi.json) so that every contract change is reviewed as a diff. This test
 * fails when the running app's /docs-json and the committed file disagree: regenerate with `npm run openapi` and
 * review the diff.
 */
describe('openapi.json is the document the app serves', () => {
  const { t } = appSuite({ users: 0 });

  it('GET /docs-json equals the committed openapi.json (run `npm run openapi` after changing the contract)', async () => {
    const committed = JSON.parse(readFileSync(resolve('openapi.json'), 'utf8')) as unknown;
    const served = (await t.http.get('/docs-json').expect(200)).body as unknown;
    expect(served).toEqual(committed);
  });
});
