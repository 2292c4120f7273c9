#!/usr/bin/env node
// Writes the OpenAPI document the running app serves at /docs-json to openapi.json (or the path given), so that
// every contract change shows up as a reviewed diff. A test fails when the committed file and the app disagree.
// Usage: npm run openapi [-- <out file>]
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';

const { createApp, buildOpenApi } = await import('../dist/app.factory.js');
const { loadConfig } = await import('../dist/config/app-config.js');

const out = resolve(process.argv[2] ?? 'openapi.json');
const dataDir = mkdtempSync(join(tmpdir(), 'podd-openapi-'));
try {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(16) + 'openapi-dump-only-secret' });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  const doc = buildOpenApi(app);
  await app.close();
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`wrote ${out} (${Object.keys(doc.paths).length} paths)\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
