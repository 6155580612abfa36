// The shared POST queue against real local receivers: order, retry with backoff, 4xx given up,
// timeouts, overflow dropping the oldest, and a bounded flush on close.
import t from 'tap'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../../src/home/logger.js'
import { backoffDelay, isRetryableStatus, POSTER_DEFAULTS, QueuedPoster, redactUrl, type QueuedPosterOptions } from '../../src/integrations/queued-poster.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function memoryLog() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields })
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { log, lines }
}

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

/** A real HTTP receiver on 127.0.0.1; `answer` decides each status (default 200). */
async function receiver(t: Test, answer: (body: string) => number | 'hang' = () => 200, port = 0) {
  const got: Received[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', chunk => (body += chunk))
    req.on('end', () => {
      const status = answer(body)
      if (status === 'hang') return
      if (status >= 200 && status < 300) got.push({ headers: req.headers, body })
      res.statusCode = status
      res.end('ok')
    })
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  const close = () => new Promise<void>(resolve => (server.closeAllConnections(), server.close(() => resolve())))
  t.teardown(close)
  const actualPort = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${actualPort}/hook`, port: actualPort, got, close }
}

function poster(t: Test, url: string, extra: Partial<QueuedPosterOptions> = {}) {
  const { log, lines } = memoryLog()
  const p = new QueuedPoster({ name: 'test', url, log, now: Date.now, retryBaseMs: 10, retryCapMs: 40, ...extra })
  t.teardown(() => p.close())
  return { p, lines }
}

const item = (n: number) => ({ body: String(n), headers: { 'Content-Type': 'text/plain' } })
const bodies = (got: Received[]) => got.map(r => Number(r.body))
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

t.test('defaults and pure helpers are pinned', async t => {
  t.same(POSTER_DEFAULTS, { queueLimit: 1000, retryBaseMs: 1000, retryCapMs: 60_000, requestTimeoutMs: 5000, closeFlushMs: 2000 })
  t.same(
    [1, 2, 3, 4, 5, 6, 7, 8, 200].map(n => backoffDelay(n, 1000, 60_000)),
    [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000],
  )
  t.same(
    [200, 301, 400, 404, 408, 413, 425, 429, 500, 503].map(isRetryableStatus),
    [false, false, false, false, true, false, true, true, true, true],
  )
  t.equal(redactUrl('https://u:p@ntfy.example:8443/topic/x?auth=secret#frag'), 'https://ntfy.example:8443/topic/x')
  t.equal(redactUrl('nope'), '(invalid URL)')
})

t.test('items arrive in order, one request at a time', async t => {
  let inFlight = 0
  let most = 0
  const r = await receiver(t, () => {
    most = Math.max(most, ++inFlight)
    inFlight--
    return 200
  })
  const { p } = poster(t, r.url)
  for (const n of range(0, 50)) p.enqueue(item(n))
  t.equal(p.health().queued, 50, 'nothing is sent in the caller’s turn')
  await waitFor(() => r.got.length === 50, { what: '50 posts' })
  t.same(bodies(r.got), range(0, 50))
  t.equal(most, 1)
  t.equal(r.got[0]!.headers['content-type'], 'text/plain')
  // The receiver records a post before its answer reaches the sender: wait for the sender too.
  await waitFor(() => p.health().queued === 0, { what: 'an empty queue' })
  t.match(p.health(), { queued: 0, sent: 50, failed: 0, dropped: 0, reachable: true, lastError: null, lastSuccessAt: String })
})

t.test('a 503 receiver: the head is retried with backoff, order holds, one warning per outage', async t => {
  let down = true
  let attempts = 0
  const r = await receiver(t, () => (attempts++, down ? 503 : 200))
  const { p, lines } = poster(t, r.url)
  for (const n of range(0, 5)) p.enqueue(item(n))
  await waitFor(() => p.health().failed >= 4, { what: 'four failed attempts' })
  t.equal(r.got.length, 0)
  t.match(p.health(), { queued: 5, reachable: false, lastError: 'HTTP 503', lastErrorAt: String })
  down = false
  await waitFor(() => r.got.length === 5, { what: 'delivery once the receiver is back' })
  t.same(bodies(r.got), range(0, 5))
  t.equal(lines.filter(l => l.level === 'warn').length, 1, 'one warning for the outage')
  t.ok(lines.some(l => l.level === 'info' && /delivering again/.test(l.msg)))
  await waitFor(() => p.health().queued === 0, { what: 'an empty queue' })
  t.match(p.health(), { reachable: true, queued: 0, sent: 5 })
})

t.test('a refusing receiver (4xx) gives the item up instead of blocking the rest', async t => {
  const r = await receiver(t, body => (body === '1' ? 400 : 200))
  const { p, lines } = poster(t, r.url)
  for (const n of range(0, 4)) p.enqueue(item(n))
  await waitFor(() => p.health().queued === 0, { what: 'an empty queue' })
  t.same(bodies(r.got), [0, 2, 3])
  t.match(p.health(), { sent: 3, rejected: 1, failed: 0, lastError: 'HTTP 400' })
  t.equal(lines.filter(l => l.level === 'warn' && /refused/.test(l.msg)).length, 1)
})

t.test('a closed port: retried until a receiver listens there, then delivered in order', async t => {
  const gone = await receiver(t)
  await gone.close()
  const { p } = poster(t, gone.url)
  for (const n of range(0, 10)) p.enqueue(item(n))
  await waitFor(() => p.health().failed >= 3, { what: 'three refused connections' })
  t.match(p.health().lastError, /ECONNREFUSED/)
  const back = await receiver(t, () => 200, gone.port)
  await waitFor(() => back.got.length === 10, { what: 'delivery on the reopened port' })
  t.same(bodies(back.got), range(0, 10))
})

t.test('a receiver that never answers times out and is retried', async t => {
  let hang = true
  const r = await receiver(t, () => (hang ? 'hang' : 200))
  const { p } = poster(t, r.url, { requestTimeoutMs: 50 })
  p.enqueue(item(7))
  await waitFor(() => p.health().failed >= 1, { what: 'a timeout' })
  t.equal(p.health().lastError, 'timed out after 50 ms')
  hang = false
  await waitFor(() => r.got.length === 1, { what: 'delivery after the timeout' })
  t.same(bodies(r.got), [7])
})

t.test('a full queue drops the oldest and counts it', async t => {
  let down = true
  const r = await receiver(t, () => (down ? 503 : 200))
  const { p, lines } = poster(t, r.url, { queueLimit: 5, retryBaseMs: 20 })
  for (const n of range(0, 12)) p.enqueue(item(n))
  t.match(p.health(), { queued: 5, dropped: 7 })
  t.equal(lines.filter(l => /queue full/.test(l.msg)).length, 1, 'one warning')
  down = false
  await waitFor(() => r.got.length === 5, { what: 'the five newest' })
  t.same(bodies(r.got), range(7, 12))
})

t.test('while the head is on the wire, the oldest waiting item is dropped instead', async t => {
  let release: () => void = () => {}
  let first = true
  const r = await receiver(t, () => 200)
  const fetchSpy: typeof fetch = async (input, init) => {
    if (first) {
      first = false
      await new Promise<void>(resolve => (release = resolve))
    }
    return fetch(input, init)
  }
  const { p } = poster(t, r.url, { queueLimit: 3, fetch: fetchSpy })
  p.enqueue(item(0))
  await waitFor(() => !first, { what: 'the first request on the wire' })
  for (const n of range(1, 6)) p.enqueue(item(n))
  t.match(p.health(), { queued: 3, dropped: 3 })
  release()
  await waitFor(() => r.got.length === 3, { what: 'three posts' })
  t.same(bodies(r.got), [0, 4, 5], 'the head was kept; 1, 2 and 3 were dropped oldest first')
})

t.test('a queue limit of one never drops the item on the wire', async t => {
  let release: () => void = () => {}
  let first = true
  const r = await receiver(t)
  const fetchSpy: typeof fetch = async (input, init) => {
    if (first) {
      first = false
      await new Promise<void>(resolve => (release = resolve))
    }
    return fetch(input, init)
  }
  const { p } = poster(t, r.url, { queueLimit: 1, fetch: fetchSpy })
  p.enqueue(item(0))
  await waitFor(() => !first, { what: 'the first request on the wire' })
  p.enqueue(item(1))
  p.enqueue(item(2))
  t.match(p.health(), { queued: 2, dropped: 1 })
  release()
  await waitFor(() => r.got.length === 2, { what: 'two posts' })
  t.same(bodies(r.got), [0, 2])
})

t.test('close flushes what it can in time, then stops', async t => {
  const r = await receiver(t)
  const { p } = poster(t, r.url)
  for (const n of range(0, 3)) p.enqueue(item(n))
  await p.close()
  t.same(bodies(r.got), [0, 1, 2], 'queued items delivered by close')
  p.enqueue(item(3))
  t.match(p.health(), { dropped: 1, queued: 0 }, 'items after close are dropped')
  t.equal(p.close(), p.close(), 'close is idempotent')
})

t.test('close is bounded: a dead receiver does not hold shutdown', async t => {
  let hang = true
  const r = await receiver(t, () => (hang ? 'hang' : 200))
  const { p, lines } = poster(t, r.url, { closeFlushMs: 100, requestTimeoutMs: 10_000 })
  p.enqueue(item(0))
  p.enqueue(item(1))
  await waitFor(() => r.got.length === 0 && p.health().queued === 2, { what: 'queued' })
  const started = Date.now()
  await p.close()
  const took = Date.now() - started
  t.ok(took < 2000, `close took ${took} ms`)
  t.equal(p.health().queued, 2)
  t.ok(lines.some(l => /undelivered/.test(l.msg) && l.fields?.undelivered === 2))
  hang = false
})

t.test('close during a backoff wait tries once more, without waiting for the backoff', async t => {
  let down = true
  const r = await receiver(t, () => (down ? 503 : 200))
  const { p } = poster(t, r.url, { retryBaseMs: 60_000, retryCapMs: 60_000 })
  p.enqueue(item(0))
  await waitFor(() => p.health().failed === 1, { what: 'one failure' })
  down = false
  const started = Date.now()
  await p.close()
  t.ok(Date.now() - started < 2000)
  t.same(bodies(r.got), [0])
})

t.test('close with a failing receiver gives up after one attempt', async t => {
  const r = await receiver(t, () => 503)
  const { p } = poster(t, r.url, { retryBaseMs: 60_000, retryCapMs: 60_000 })
  p.enqueue(item(0))
  await waitFor(() => p.health().failed === 1, { what: 'one failure' })
  await p.close()
  t.match(p.health(), { failed: 2, queued: 1 })
})

t.test('health shows the URL without credentials or query', async t => {
  const { p } = poster(t, 'http://127.0.0.1:9/path?token=secret')
  t.equal(p.health().url, 'http://127.0.0.1:9/path')
  const { p: shown } = poster(t, 'http://127.0.0.1:9/topic', { shownUrl: 'http://127.0.0.1:9/…' })
  t.equal(shown.health().url, 'http://127.0.0.1:9/…')
})
