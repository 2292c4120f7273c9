import { PassThrough, Readable } from 'node:stream';
import { runCli, type CliIo } from '../../src/cli.js';

/** Runs `podd <argv>` in-process with this environment and working folder; returns its code and output. */
export async function runCliCaptured(
  argv: string[],
  env: Record<string, string>,
  cwd: string,
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIo = { stdin: Readable.from([stdin]), stdout, stderr, env: { ...env }, cwd };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
