import {
  checkCompletionRequest,
  completionBody,
  draftOf,
  StandInServer,
  type ReceivedRequest,
} from './stand-in-server.js';

/**
 * Stand-in for an OpenAI-compatible chat-completions API: `POST /v1/chat/completions` with
 * `Authorization: Bearer <key>`, JSON `{model, messages[]}`. Wrong key → 401, bad body → 400,
 * plus the failure/latency switches of StandInServer. By default the "model" returns the prompt's DRAFT
 * prefixed with `replyPrefix`, so tests can tell a model reply from the offline one; `reply` overrides it.
 */
export class OpenAiStandIn extends StandInServer {
  replyPrefix = '✨ ';
  /** Custom reply for a request (e.g. an unsafe one); null = default behaviour. */
  reply: ((req: ReceivedRequest) => string) | null = null;

  constructor(readonly apiKey = 'sk-test-openai') {
    super((req) => this.answer(req));
  }

  /** Base URL to put in OPENAI_BASE_URL. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  static async start(apiKey?: string): Promise<OpenAiStandIn> {
    return new OpenAiStandIn(apiKey).start();
  }

  private answer(req: ReceivedRequest): { status: number; body: unknown } {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') {
      return {
        status: 404,
        body: { error: { message: `Unknown route ${req.method} ${req.path}`, code: 'not_found' } },
      };
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return {
        status: 401,
        body: {
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        },
      };
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return {
        status: 400,
        body: { error: { message: 'Content-Type must be application/json', type: 'invalid_request_error' } },
      };
    }
    const problem = checkCompletionRequest(req.body);
    if (problem) return { status: 400, body: { error: { message: problem, type: 'invalid_request_error' } } };
    const b = req.body as { model: string };
    const content = this.reply ? this.reply(req) : this.replyPrefix + draftOf(req.body);
    return { status: 200, body: completionBody(b.model, content, JSON.stringify(req.body).length) };
  }
}
