// The optional model: it rewrites the diagnosis after the alert committed (source "llm"); an answer that is not the
// JSON asked for, an error or a timeout leaves the rules' diagnosis. A local server stands in for the model.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, it } from 'node:test';
import type { LlmConfig } from '../../../src/config.js';
import { rewriteDueDiagnoses } from '../../../src/domain/alerts/llm.js';
import { describeEachDialect } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { alertsOfDevice, createRule, deviceWithOwners, now, overheating, send } from './support.js';

type Mode = 'answer' | 'garbage' | 'not-json-fields' | 'error' | 'slow';
let mode: Mode = 'answer';
const received: Array<{ body: Record<string, unknown>; authorization: string | undefined }> = [];
const held: Array<() => void> = [];

const model = createServer(async (req: IncomingMessage, res) => {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  received.push({ body: JSON.parse(text) as Record<string, unknown>, authorization: req.headers.authorization });
  const reply = (content: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
  if (req.url !== '/v1/chat/completions') return res.writeHead(404).end();
  switch (mode) {
    case 'answer':
      return reply(JSON.stringify({ summary: 'The compressor is likely failing.', details: 'Check the fan first.' }));
    case 'garbage':
      return reply('I think it is hot, probably.');
    case 'not-json-fields':
      return reply(JSON.stringify({ summary: 42 }));
    case 'error':
      return res.writeHead(500).end('{"error":"overloaded"}');
    case 'slow':
      held.push(() => reply(JSON.stringify({ summary: 'Too late', details: 'Too late' })));
  }
});
await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
after(() => {
  for (const release of held) release();
  model.closeAllConnections();
  model.close();
});

const llm: LlmConfig = { baseUrl, model: 'test-model', apiKey: 'sk-test' };

describeEachDialect('diagnosis rewritten by a model', (h) => {
  async function openAlert() {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating());
    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.equal(alert!.diagnosis.source, 'rules');
    return { fleet, alert: alert! };
  }

  it('takes a valid answer (source llm) and sends the facts with the key and JSON response format', async () => {
    mode = 'answer';
    const { fleet, alert } = await openAlert();
    received.length = 0;
    assert.ok((await rewriteDueDiagnoses(h.ctx, llm, { timeoutMs: 2000 })) >= 1);
    const [after] = await alertsOfDevice(h, fleet);
    assert.deepEqual(after!.diagnosis, { summary: 'The compressor is likely failing.', details: 'Check the fan first.', source: 'llm' });
    const request = received.find((r) => JSON.stringify(r.body).includes(alert.id) || JSON.stringify(r.body).includes(fleet.identifier));
    assert.ok(request);
    assert.equal(request.authorization, 'Bearer sk-test');
    assert.equal(request.body.model, 'test-model');
    assert.deepEqual(request.body.response_format, { type: 'json_object' });
    // Done once: a second pass does not ask again.
    received.length = 0;
    await rewriteDueDiagnoses(h.ctx, llm, { timeoutMs: 2000 });
    assert.ok(!received.some((r) => JSON.stringify(r.body).includes(fleet.identifier)));
  });

  for (const failing of ['garbage', 'not-json-fields', 'error', 'slow'] as const) {
    it(`keeps the rules' diagnosis when the model answers ${failing}`, async () => {
      mode = failing;
      const { fleet, alert } = await openAlert();
      await rewriteDueDiagnoses(h.ctx, llm, { timeoutMs: 300 });
      const [after] = await alertsOfDevice(h, fleet);
      assert.deepEqual(after!.diagnosis, alert.diagnosis);
      mode = 'answer';
      await rewriteDueDiagnoses(h.ctx, llm, { timeoutMs: 2000 });
      assert.deepEqual((await alertsOfDevice(h, fleet))[0]!.diagnosis, alert.diagnosis, 'one attempt per alert');
    });
  }
});

describeEachDialect(
  'diagnosis rewritten in the background (TELEMAP_LLM_*)',
  (h) => {
    it('rewrites after the alert is readable, without the alert waiting', async () => {
      mode = 'answer';
      const fleet = await deviceWithOwners(h, 1);
      await createRule(h, fleet.org, overheating());
      await send(h, fleet, [now(h), { temperature: 80 }]);
      await until(async () => (await alertsOfDevice(h, fleet))[0]?.diagnosis.source === 'llm', 'the diagnosis was not rewritten', 10_000);
    });
  },
  { env: { TELEMAP_LLM_BASE_URL: baseUrl, TELEMAP_LLM_MODEL: 'test-model' } },
);
