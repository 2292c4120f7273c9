// Regenerates .env.example from the compiled env schema (run `npm run build` first):
//   node scripts/gen-env-example.mjs > .env.example
// A test (test/unit/config.test.ts) fails when .env.example and src/config/env.schema.ts disagree.
import { ENV_VARS } from '../dist/config/env.schema.js';

const lines = [
  '# Podd configuration. Every variable is optional for a local run: `npm start` works with none of them.',
  '# Copy to .env and edit; real environment variables win over this file.',
  '',
];
for (const v of ENV_VARS) {
  lines.push(`# ${v.description}${v.aliases?.length ? ` (also accepted: ${v.aliases.join(', ')})` : ''}`);
  lines.push(`${v.name}=${v.default}`);
  lines.push('');
}
process.stdout.write(lines.join('\n'));
