// `npm start` promise: build only when dist/ is missing or older than any source file.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const built = existsSync('dist/main.js') ? statSync('dist/main.js').mtimeMs : 0;
if (!built || newest('src') > built) {
  execSync('npx tsc -p tsconfig.build.json', { stdio: 'inherit' });
}
