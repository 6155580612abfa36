// Cometa sync: the payload, real posts in order to a real local receiver, a dead receiver that
// delays nothing (the listener returns at once) and gets everything in order once it is back,
// and overflow dropping the oldest.
import t from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { initialSessionContext, type SessionContext } from '../../state/session-context.js'
import type { Logger } from '../../src/home/logger.js'
import type { Transition, TransitionListener } from '../../src/supervisor/supervisor.js'
import { CometaSync, cometaPayload } from '../../src/integrations/cometa-sync.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} }

/** The supervisor's listener API and nothing else: the contract the integration relies on. */
class FakeSupervisor {
  private readonly listeners: TransitionListener[] = []
  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener)
  }
  emit(transition: Transition): void {
    for (const listener of this.listeners) listener(transition)
  }
}

const RESET = Date.parse('2026-03-04T15:00:00.000Z')
const RETRY = Date.parse('2026-03-04T15:01:30.000Z')

function transition(n: number, overrides: Partial<Transition> = {}, context: Partial<SessionContext> = {}): Transition {
  return {
    sessionId: 'sess-1',
    at: new Date(Date.parse('2026-03-04T12:00:00.000Z') + n * 1000).toISOString(),
    from: 'active',
    to: 'limited',
    event: `e${n}`,
    context: { ...initialSessionContext({ sessionId: 'sess-1', cwd: '/work/app' }), ...context },
    ...overrides,
  }
}

async function receiver(t: Test, port = 0) {
  const got: { method?: string; url?: string; headers: IncomingHttpHeaders; json: any }[] = []
  let status = 200
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', c => (body += c))
    req.on('end', () => {
      if (status === 200) got.push({ method: req.method, url: req.url, headers: req.headers, json: JSON.parse(body) })
      res.statusCode = status
      res.end()
    })
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  const close = () => new Promise<void>(resolve => (server.closeAllConnections(), server.close(() => resolve())))
  t.teardown(close)
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}/api/cometa/session-retry?x=1`,
    port: actual,
    got,
    close,
    answer: (s: number) => void (status = s),
  }
}

function sync(t: Test, url: string, extra: Partial<ConstructorParameters<typeof CometaSync>[0]> = {}) {
  const cometa = new CometaSync({ url, log: silent, now: Date.now, retryBaseMs: 10, retryCapMs: 50, queueLimit: 5000, ...extra })
  t.teardown(() => cometa.close())
  const supervisor = new FakeSupervisor()
  cometa.attach(supervisor)
  return { cometa, supervisor }
}

t.test('the payload: ISO times, nulls for unknowns, the attempt count', async t => {
  t.same(
    cometaPayload(transition(0, { from: 'limited', to: 'scheduled', event: 'limit.detected' }, {
      limit: { kind: 'five_hour', resetAt: RESET, source: 'banner', transient: false, usedPercentage: null, at: RESET - 3e6 },
      retryAt: RETRY,
      attempts: 2,
    })),
    {
      sessionId: 'sess-1',
      cwd: '/work/app',
      from: 'limited',
      to: 'scheduled',
      at: '2026-03-04T12:00:00.000Z',
      resetAt: '2026-03-04T15:00:00.000Z',
      retryAt: '2026-03-04T15:01:30.000Z',
      attempt: 2,
      event: 'limit.detected',
    },
  )
  t.match(cometaPayload(transition(1, {}, { cwd: null })), { cwd: null, resetAt: null, retryAt: null, attempt: 0 })
  t.match(
    cometaPayload(transition(1, {}, { limit: { kind: 'unknown', resetAt: null, source: 'x', transient: false, usedPercentage: null, at: 0 } })),
    { resetAt: null },
  )
})

t.test('every transition is POSTed as JSON to the URL exactly as given, in order', async t => {
  const r = await receiver(t)
  const { cometa, supervisor } = sync(t, r.url)
  for (let n = 0; n < 20; n++) supervisor.emit(transition(n))
  await waitFor(() => r.got.length === 20, { what: '20 posts' })
  t.same(r.got.map(g => g.json.event), Array.from({ length: 20 }, (_, n) => `e${n}`))
  t.equal(r.got[0]!.method, 'POST')
  t.equal(r.got[0]!.url, '/api/cometa/session-retry?x=1')
  t.equal(r.got[0]!.headers['content-type'], 'application/json')
  t.match(r.got[0]!.json, { sessionId: 'sess-1', cwd: '/work/app', from: 'active', to: 'limited', at: '2026-03-04T12:00:00.000Z' })
  // The receiver records a post before its answer reaches the sender: wait for the sender too.
  await waitFor(() => cometa.health().queued === 0, { what: 'an empty queue' })
  t.match(cometa.health(), { url: `http://127.0.0.1:${r.port}/api/cometa/session-retry`, sent: 20, queued: 0, reachable: true })
})

t.test('a dead receiver delays nothing; everything arrives in order once it is back', async t => {
  const r = await receiver(t)
  await r.close()
  let fetchCalls = 0
  const counted: typeof fetch = (input, init) => (fetchCalls++, fetch(input, init))
  const { cometa, supervisor } = sync(t, r.url, { fetch: counted })
  const batch = (from: number, length = 100) => Array.from({ length }, (_, n) => transition(from + n))
  // Warm up, then time rounds of 100 listener calls. The machine running the tests may be busy
  // (other suites, GC), so the fastest of ten rounds is held to the bound: this proves nothing
  // waits on the network, it is not a benchmark.
  supervisor.emit(transition(0))
  const rounds: number[] = []
  for (let round = 0; round < 5; round++) {
    const transitions = batch(1 + round * 100)
    const started = performance.now()
    for (const tr of transitions) supervisor.emit(tr)
    rounds.push(performance.now() - started)
  }
  const fastest = Math.min(...rounds)
  t.ok(fastest < 5, `100 transitions queued in ${fastest.toFixed(3)} ms (fastest of ${rounds.map(r => r.toFixed(2)).join(', ')}; bound 5 ms)`)
  t.equal(fetchCalls, 0, 'no request was even started in the listener’s turn')
  t.equal(cometa.health().queued, 501)
  await waitFor(() => cometa.health().failed >= 3, { what: 'failed attempts against the closed port' })
  t.match(cometa.health(), { reachable: false, queued: 501, sent: 0, lastError: /ECONNREFUSED/ })
  // Still nothing waits while failures and retries go on.
  const during = batch(501, 20)
  const calls = fetchCalls
  const again = performance.now()
  for (const tr of during) supervisor.emit(tr)
  const took = performance.now() - again
  t.equal(fetchCalls, calls, 'no request started in the listener’s turn during the outage')
  t.ok(took < 20, `still returns at once during the outage (${took.toFixed(3)} ms for 20, loose bound)`)
  const back = await receiver(t, r.port)
  await waitFor(() => back.got.length === 521, { what: 'all 521 posts', timeoutMs: 60_000 })
  t.same(back.got.map(g => g.json.event), Array.from({ length: 521 }, (_, n) => `e${n}`))
  await waitFor(() => cometa.health().queued === 0, { what: 'an empty queue' })
  t.match(cometa.health(), { reachable: true, sent: 521, queued: 0, dropped: 0 })
})

t.test('a 503 receiver: retried, then delivered in order', async t => {
  const r = await receiver(t)
  r.answer(503)
  const { cometa, supervisor } = sync(t, r.url)
  for (let n = 0; n < 5; n++) supervisor.emit(transition(n))
  await waitFor(() => cometa.health().failed >= 3, { what: 'three 503s' })
  t.equal(cometa.health().lastError, 'HTTP 503')
  r.answer(200)
  await waitFor(() => r.got.length === 5, { what: 'five posts' })
  t.same(r.got.map(g => g.json.event), ['e0', 'e1', 'e2', 'e3', 'e4'])
})

t.test('overflow drops the oldest and counts it', async t => {
  const r = await receiver(t)
  r.answer(503)
  const { cometa, supervisor } = sync(t, r.url, { queueLimit: 10 })
  for (let n = 0; n < 25; n++) supervisor.emit(transition(n))
  t.match(cometa.health(), { queued: 10, dropped: 15 })
  r.answer(200)
  await waitFor(() => r.got.length === 10, { what: 'the ten newest' })
  t.same(r.got.map(g => g.json.event), Array.from({ length: 10 }, (_, n) => `e${n + 15}`))
})

t.test('the listener never throws, even on a transition it cannot serialize', async t => {
  const lines: string[] = []
  const log: Logger = { ...silent, error: msg => void lines.push(msg) }
  const { cometa, supervisor } = sync(t, 'http://127.0.0.1:9/', { log })
  const circular: any = transition(0)
  circular.context.cwd = circular
  t.doesNotThrow(() => supervisor.emit(circular))
  t.doesNotThrow(() => supervisor.emit(circular))
  t.same(lines, ['cometa: could not queue a transition'], 'logged once')
  t.equal(cometa.health().queued, 0)
})

t.test('close flushes what is queued', async t => {
  const r = await receiver(t)
  const { cometa, supervisor } = sync(t, r.url)
  supervisor.emit(transition(0))
  supervisor.emit(transition(1))
  await cometa.close()
  t.same(r.got.map(g => g.json.event), ['e0', 'e1'])
})
