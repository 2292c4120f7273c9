import { describe, expect, it } from 'vitest';
import { appSuite } from '../support/app.js';

describe('Swagger for chat and voice', () => {
  const { t } = appSuite({ users: 0 });

  it('documents every chat and voice route with bearer auth, its response and its errors', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { security?: unknown[]; responses: Record<string, unknown>; tags?: string[] }>
      >;
    };
    const expected: [string, string, string[]][] = [
      ['/api/chat', 'post', ['200', '401', '422', '429']],
      ['/api/chat/history', 'get', ['200', '401', '422']],
      ['/api/voice/stream', 'post', ['200', '401', '413', '415', '503']],
      ['/api/voice/synthesize', 'post', ['200', '401', '422', '503']],
      ['/api/voice/conversation', 'post', ['200', '401', '413', '415', '503']],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toEqual([{ bearer: [] }]);
      for (const s of statuses) expect(Object.keys(op.responses), `${method} ${path} ${s}`).toContain(s);
    }
  });
});
