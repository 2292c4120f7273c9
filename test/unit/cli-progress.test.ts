import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';

function sink(isTTY: boolean) {
  const s = Object.assign(new PassThrough(), { isTTY, columns: 80 });
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return { s, text: () => text };
}

it('draws on a terminal only', async () => {
  const pipe = sink(false);
  const p1 = new Progress(pipe.s, 'export', 10);
  p1.update(5, true);
  p1.done(10);
  const tty = sink(true);
  const p2 = new Progress(tty.s, 'export', 10);
  p2.update(5, true);
  p2.done(10);
  await new Promise((r) => setImmediate(r));
  expect(pipe.text()).toBe('');
  expect(tty.text()).toMatch(/^\rexport \[#{15}\.{15}\] 50\.0% 5\/10 /);
  expect(tty.text()).toMatch(/100\.0% 10\/10 .*\n$/);
});
