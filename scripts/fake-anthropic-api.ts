/**
 * A fake Anthropic API on 127.0.0.1 for running the real Claude Code CLI offline.
 *
 * What the CLI sends (observed with 2.1.331 and 2.1.77):
 * - `HEAD /api/hello` at start-up (connectivity check; 200). Not sent when
 *   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is set, as in makeSandbox's default env.
 * - `POST /v1/messages?beta=true` with `"stream": true` and the tool list for each model turn:
 *   answered with the standard SSE sequence (message_start, content_block_start,
 *   content_block_delta, content_block_stop, message_delta, message_stop), or a plain JSON
 *   message when the body has no `"stream": true`.
 * - Side requests to the same endpoint. The only one seen: the interactive start-up quota probe
 *   (`max_tokens: 1`, one user message `"quota"`, no tools, not streamed; haiku on 2.1.77), sent
 *   only when CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is unset. A 429 on it shows nothing and
 *   does not stop the CLI from sending the main turn. `claude -p` sends no side request at all.
 * - `POST /v1/messages/count_tokens` was never seen; it is answered `{ input_tokens }` anyway.
 * - Anything else gets a JSON 404 and is passed to `logUnknown`.
 *
 * Which request consumes a queued reply: only a *main turn* ({@link isMainTurnBody}: a
 * POST /v1/messages that carries tools or asks for a stream, and is not the quota probe).
 * Side requests always get the default reply, so a queued `limit` is never eaten by a probe,
 * while `setDefault({ kind: 'limit', ... })` makes *every* request limited, as the real API
 * does once a quota is spent. Pass `isMainTurn` to change the rule.
 *
 * The CLI retries `rateLimit` and `overloaded` replies, and each retry is a new main turn that
 * takes the next queued reply or the default. With the CLI's default of 10 retries that is 11
 * requests over about 180 s (exponential backoff; with OAuth `retry-after` is ignored), so
 * makeSandbox sets CLAUDE_CODE_MAX_RETRIES=2 (3 requests, about 2 s). A `limit` is not retried
 * (one request) with OAuth auth. With API-key auth both versions honour `retry-after`: 0 or
 * 30 s is waited and retried; 3600 makes 2.1.331 give up at once (one request) while 2.1.77
 * sleeps for the whole hour. So: `retryAfter: 3600` for a one-shot API-key 429 on 2.1.331, and
 * `retryAfter: 0` on 2.1.77 (the retries then take the next replies).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface UsageHeaders {
  /** 5-hour window utilisation, a fraction 0..1 */
  fiveHour?: number
  /** 7-day window utilisation, a fraction 0..1 */
  sevenDay?: number
  /** epoch seconds */
  fiveHourReset?: number
  /** epoch seconds */
  sevenDayReset?: number
}

export type LimitClaim = 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet' | 'overage'

export type Reply =
  | { kind: 'text'; text?: string; usage?: UsageHeaders }
  /** 429 plan limit; `retryAfter` defaults to the seconds left until `resetEpoch` */
  | { kind: 'limit'; resetEpoch: number; claim?: LimitClaim; retryAfter?: number }
  | { kind: 'rateLimit'; retryAfter?: number }
  | { kind: 'overloaded' }
  /**
   * The model asks for one tool call (a `tool_use` block, `stop_reason: "tool_use"`). The CLI runs
   * or denies the tool and sends the next main turn with a `tool_result`, which takes the next
   * queued reply (or the default text, which ends the turn).
   */
  | { kind: 'tool'; name: string; input: Record<string, unknown>; text?: string }

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
  at: number
  /** true for a POST /v1/messages that counts as a main turn (consumes queued replies) */
  mainTurn?: boolean
  /** the reply kind that was sent for a POST /v1/messages */
  replied?: Reply['kind']
}

export interface FakeApi {
  url: string
  requests: RecordedRequest[]
  messageRequests(): RecordedRequest[]
  /** only the main-turn POST /v1/messages requests (those that consume queued replies) */
  mainTurnRequests(): RecordedRequest[]
  setDefault(reply: Reply): void
  enqueue(...replies: Reply[]): void
  /** replies still queued */
  pending(): number
  close(): Promise<void>
}

export interface FakeApiOptions {
  /** called with one line for every request whose path the fake does not know */
  logUnknown?: (line: string) => void
  /** which POST /v1/messages bodies consume queued replies; default {@link isMainTurnBody} */
  isMainTurn?: (body: unknown) => boolean
}

export const DEFAULT_TEXT = 'Hello from the fake API'

const CLAIM_WINDOW: Partial<Record<LimitClaim, string>> = { five_hour: '5h', seven_day: '7d', overage: 'overage' }

/** The start-up quota probe: `max_tokens: 1`, messages `[{ role: 'user', content: 'quota' }]`. */
export function isQuotaProbe(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false
  const b = body as { max_tokens?: unknown; messages?: unknown }
  return b.max_tokens === 1 || JSON.stringify(b.messages ?? null) === '[{"role":"user","content":"quota"}]'
}

/** A main turn carries the tool list (or at least streams); the quota probe does neither. */
export function isMainTurnBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || isQuotaProbe(body)) return false
  const b = body as { tools?: unknown; stream?: unknown }
  return (Array.isArray(b.tools) && b.tools.length > 0) || b.stream === true
}

export function usageHeaders(u: UsageHeaders | undefined): Record<string, string> {
  if (!u) return {}
  const h: Record<string, string> = { 'anthropic-ratelimit-unified-status': 'allowed' }
  if (u.fiveHour !== undefined) {
    h['anthropic-ratelimit-unified-5h-status'] = 'allowed'
    h['anthropic-ratelimit-unified-5h-utilization'] = String(u.fiveHour)
  }
  if (u.fiveHourReset !== undefined) h['anthropic-ratelimit-unified-5h-reset'] = String(u.fiveHourReset)
  if (u.sevenDay !== undefined) {
    h['anthropic-ratelimit-unified-7d-status'] = 'allowed'
    h['anthropic-ratelimit-unified-7d-utilization'] = String(u.sevenDay)
  }
  if (u.sevenDayReset !== undefined) h['anthropic-ratelimit-unified-7d-reset'] = String(u.sevenDayReset)
  const reset = u.fiveHourReset ?? u.sevenDayReset
  if (reset !== undefined) h['anthropic-ratelimit-unified-reset'] = String(reset)
  h['anthropic-ratelimit-unified-representative-claim'] = u.fiveHourReset !== undefined || u.sevenDayReset === undefined ? 'five_hour' : 'seven_day'
  return h
}

export function limitHeaders(resetEpoch: number, claim: LimitClaim = 'five_hour', retryAfter?: number): Record<string, string> {
  const h: Record<string, string> = {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(resetEpoch),
    'anthropic-ratelimit-unified-representative-claim': claim,
    'retry-after': String(retryAfter ?? Math.max(0, Math.round(resetEpoch - Date.now() / 1000))),
  }
  const w = CLAIM_WINDOW[claim]
  if (w) {
    h[`anthropic-ratelimit-unified-${w}-status`] = 'rejected'
    h[`anthropic-ratelimit-unified-${w}-reset`] = String(resetEpoch)
    h[`anthropic-ratelimit-unified-${w}-utilization`] = '1.0'
  }
  if (claim === 'overage') h['anthropic-ratelimit-unified-overage-status'] = 'rejected'
  return h
}

let msgCounter = 0

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers })
  res.end(data)
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': `req_fake_${++msgCounter}`, ...headers })
}

function sendText(res: ServerResponse, body: Record<string, unknown>, text: string, headers: Record<string, string>): void {
  const id = `msg_fake_${++msgCounter}`
  const model = typeof body.model === 'string' ? body.model : 'claude-fake'
  const inputTokens = 10
  const outputTokens = Math.max(1, Math.ceil(text.length / 4))
  if (body.stream !== true) {
    sendJson(res, 200, {
      id, type: 'message', role: 'assistant', model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    }, { 'request-id': `req_fake_${msgCounter}`, ...headers })
    return
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${msgCounter}`, ...headers,
  })
  const ev = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
  }
  ev('message_start', {
    message: {
      id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  })
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })
  ev('content_block_stop', { index: 0 })
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } })
  ev('message_stop', {})
  res.end()
}

function sendToolUse(res: ServerResponse, body: Record<string, unknown>, reply: Extract<Reply, { kind: 'tool' }>): void {
  const id = `msg_fake_${++msgCounter}`
  const toolId = `toolu_fake_${msgCounter}`
  const model = typeof body.model === 'string' ? body.model : 'claude-fake'
  const text = reply.text ?? ''
  const blocks = [
    ...(text ? [{ type: 'text', text }] : []),
    { type: 'tool_use', id: toolId, name: reply.name, input: reply.input },
  ]
  if (body.stream !== true) {
    sendJson(res, 200, {
      id, type: 'message', role: 'assistant', model, content: blocks,
      stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 20 },
    }, { 'request-id': `req_fake_${msgCounter}` })
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${msgCounter}` })
  const ev = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
  }
  ev('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } },
  })
  let index = 0
  if (text) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } })
    ev('content_block_delta', { index, delta: { type: 'text_delta', text } })
    ev('content_block_stop', { index })
    index++
  }
  ev('content_block_start', { index, content_block: { type: 'tool_use', id: toolId, name: reply.name, input: {} } })
  ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.input) } })
  ev('content_block_stop', { index })
  ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } })
  ev('message_stop', {})
  res.end()
}

function sendReply(res: ServerResponse, reply: Reply, body: Record<string, unknown>): void {
  switch (reply.kind) {
    case 'text':
      sendText(res, body, reply.text ?? DEFAULT_TEXT, usageHeaders(reply.usage))
      return
    case 'limit':
      sendError(res, 429, 'rate_limit_error', 'This request would exceed your account\'s rate limit. Please try again later.',
        limitHeaders(reply.resetEpoch, reply.claim, reply.retryAfter))
      return
    case 'rateLimit':
      sendError(res, 429, 'rate_limit_error', 'This request would exceed your account\'s rate limit. Please try again later.',
        reply.retryAfter === undefined ? {} : { 'retry-after': String(reply.retryAfter) })
      return
    case 'overloaded':
      sendError(res, 529, 'overloaded_error', 'Overloaded')
      return
    case 'tool':
      sendToolUse(res, body, reply)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startFakeApi(opts: FakeApiOptions = {}): Promise<FakeApi> {
  const requests: RecordedRequest[] = []
  const queue: Reply[] = []
  let fallback: Reply = { kind: 'text', text: DEFAULT_TEXT }
  const isMainTurn = opts.isMainTurn ?? isMainTurnBody

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    let body: unknown = raw
    if (raw.length > 0) {
      try { body = JSON.parse(raw) } catch { /* keep the raw text */ }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    const rec: RecordedRequest = { method, path: req.url ?? '/', headers: { ...req.headers }, body, at: Date.now() }
    requests.push(rec)
    const path = url.pathname.replace(/\/+$/, '')

    if (path === '/api/hello') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(method === 'HEAD' ? undefined : '{}')
      return
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) })
      return
    }
    if (method === 'POST' && path === '/v1/messages') {
      const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>
      rec.mainTurn = isMainTurn(body)
      const reply = rec.mainTurn && queue.length > 0 ? queue.shift()! : fallback
      rec.replied = reply.kind
      sendReply(res, reply, b)
      return
    }
    opts.logUnknown?.(`${method} ${req.url ?? '/'}`)
    sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `Not found: ${url.pathname}` } })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', String(err))
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.method === 'POST' && new URL(r.path, 'http://x').pathname === '/v1/messages'),
    mainTurnRequests: () => requests.filter((r) => r.mainTurn === true),
    setDefault: (reply) => { fallback = reply },
    enqueue: (...replies) => { queue.push(...replies) },
    pending: () => queue.length,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
