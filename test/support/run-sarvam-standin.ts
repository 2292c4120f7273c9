/**
 * Runs the Sarvam stand-in as its own process for scripts (scripts/schemathesis.sh bundles this file):
 * prints `{"url": "http://127.0.0.1:<port>"}` on one line, then serves until SIGTERM.
 * The API key is taken from SARVAM_API_KEY.
 */
import { SarvamStandIn } from './sarvam-stand-in.js';

const standIn = await SarvamStandIn.start(process.env.SARVAM_API_KEY || undefined);
process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);
const stop = (): void => process.exit(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
