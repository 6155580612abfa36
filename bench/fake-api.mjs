// A minimal fake Anthropic API on 127.0.0.1 for benchmarks: plain JS, so a bench runs with bare
// `node`, no TypeScript loader. It keeps only what a normal `claude -p` turn needs from
// test/helpers/fake-anthropic-api.ts (which has limits, queues and recording for tests):
// - HEAD/GET /api/hello: 200 (start-up connectivity check; skipped when
//   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is set)
// - POST /v1/messages: one text answer, as SSE when the body asks for `"stream": true`
//   (message_start, content_block_start, content_block_delta, content_block_stop, message_delta,
//   message_stop), else as one JSON message
// - POST /v1/messages/count_tokens: { input_tokens }
// - anything else: a JSON 404, counted in `unknown`
import { createServer } from 'node:http'

export const DEFAULT_TEXT = 'Hello from the fake API'

let counter = 0

function sendJson(res, status, body) {
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'request-id': `req_bench_${++counter}` })
  res.end(data)
}

function sendText(res, body, text) {
  const id = `msg_bench_${++counter}`
  const model = typeof body.model === 'string' ? body.model : 'claude-fake'
  const usage = { input_tokens: 10, output_tokens: Math.max(1, Math.ceil(text.length / 4)) }
  if (body.stream !== true) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage })
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_bench_${counter}` })
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
  ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } })
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })
  ev('content_block_stop', { index: 0 })
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } })
  ev('message_stop', {})
  res.end()
}

/**
 * Starts the fake API on an ephemeral port of 127.0.0.1.
 * @param {{ text?: string }} [options]
 * @returns {Promise<{ url: string, counts: { messages: number, unknown: number }, close(): Promise<void> }>}
 */
export async function startFakeApi(options = {}) {
  const text = options.text ?? DEFAULT_TEXT
  const counts = { messages: 0, unknown: 0 }
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('error', () => res.destroy())
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body = {}
      try { body = raw ? JSON.parse(raw) : {} } catch { /* keep {} */ }
      if (body === null || typeof body !== 'object') body = {}
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '')
      if (path === '/api/hello') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(req.method === 'HEAD' ? undefined : '{}')
      } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) })
      } else if (req.method === 'POST' && path === '/v1/messages') {
        counts.messages++
        sendText(res, body, text)
      } else {
        counts.unknown++
        sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `Not found: ${path}` } })
      }
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
