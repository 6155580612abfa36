// EventStreams over real sockets: a plain HTTP server whose only route opens a stream, so what a
// browser's EventSource gets is read as it arrives. Limits are made small (a keep-alive every few
// ms, a short flush) so that each one is reached within the test.
import t from 'tap'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EVENT_STREAM_CONTENT_TYPE, EVENT_STREAM_LIMITS, EventStreams, type EventStreamLimits } from '../../src/http/event-stream.js'
import type { DashboardSession } from '../../src/http/dashboard-data.js'
import { HttpError } from '../../src/http/respond.js'
import type { Transition } from '../../src/supervisor/supervisor.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const QUIET = 3_600_000 // a keep-alive period no test reaches

async function serve(t: Test, limits: Partial<EventStreamLimits>, view: (id: string) => DashboardSession | null = id => ({ sessionId: id }) as DashboardSession) {
  const streams = new EventStreams(view, { ...EVENT_STREAM_LIMITS, keepAliveMs: QUIET, flushMs: 5, ...limits })
  const server = createServer((req, res) => {
    try {
      streams.open(req, res)
    } catch (error) {
      const e = error as HttpError
      res.writeHead(e.status, e.headers).end(e.message)
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    streams.close()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  return { streams, port: (server.address() as AddressInfo).port }
}

/** An open stream: its response, the text read so far, and a way to leave. */
function open(port: number, method = 'GET'): Promise<{ res: IncomingMessage; text: () => string; leave: () => void; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events', method, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('error', () => {})
      // The connection's end, which a paused response (a client that stopped reading) still sees.
      const socket = res.socket
      const ended = new Promise<void>(done => (socket.destroyed ? done() : socket.once('close', () => done())))
      resolve({ res, text: () => text, leave: () => req.destroy(), ended })
    })
    req.on('error', reject)
    req.end()
  })
}

const transition = (sessionId: string, n: number): Transition =>
  ({ sessionId, at: new Date(Date.UTC(2026, 10, 25, 3, 0, n)).toISOString(), from: 'active', to: 'limited', event: `e${n}`, context: {} }) as Transition

/** The `event: session` messages in a stream's text. */
const sessionEvents = (text: string) => [...text.matchAll(/event: session\ndata: (.*)\n\n/g)].map(m => JSON.parse(m[1]!))

t.test('pinned limits', async t => {
  t.same(EVENT_STREAM_LIMITS, { maxStreams: 16, keepAliveMs: 15_000, flushMs: 100, retryMs: 2_000, maxBufferedBytes: 1024 * 1024, maxPending: 2_000 })
})

t.test('a stream starts with the retry period and a comment, then keep-alive comments', async t => {
  const { streams, port } = await serve(t, { keepAliveMs: 10, retryMs: 1234 })
  const s = await open(port)
  t.equal(s.res.statusCode, 200)
  t.equal(s.res.headers['content-type'], EVENT_STREAM_CONTENT_TYPE)
  t.equal(s.res.headers['cache-control'], 'no-store')
  t.equal(s.res.headers['x-content-type-options'], 'nosniff')
  await waitFor(() => s.text().split(': keep-alive\n\n').length > 2, { what: 'two keep-alive comments' })
  t.match(s.text(), /^retry: 1234\n: connected\n\n(: keep-alive\n\n)+$/)
  t.equal(streams.size, 1)
  s.leave()
  await waitFor(() => streams.size === 0, { what: 'the stream dropped when its client left' })
  t.pass('a client that leaves frees its slot')
})

t.test('transitions are gathered and sent per session, with the session as it is after them', async t => {
  const views = new Map<string, DashboardSession | null>([['a', { sessionId: 'a', state: 'scheduled' } as unknown as DashboardSession], ['gone', null]])
  const { streams, port } = await serve(t, { flushMs: 20 }, id => views.get(id) ?? null)
  streams.onTransition(transition('a', 0)) // nobody listens yet: dropped, not sent later
  const s = await open(port)
  await waitFor(() => streams.size === 1, { what: 'the stream open' })
  streams.onTransition(transition('a', 1))
  streams.onTransition(transition('gone', 2))
  streams.onTransition(transition('a', 3))
  const events = await waitFor(() => {
    const found = sessionEvents(s.text())
    return found.length === 2 && found
  }, { what: 'one event per session' })
  t.same(events.map(e => [e.sessionId, e.transitions.map((x: { event: string }) => x.event), e.session]), [
    ['a', ['e1', 'e3'], { sessionId: 'a', state: 'scheduled' }],
    ['gone', ['e2'], null],
  ])
  t.match(events[0].transitions[0], { sessionId: 'a', from: 'active', to: 'limited', group: 'waiting', at: '2026-11-25T03:00:01.000Z' })
  t.notOk('context' in events[0].transitions[0], 'the machine context is not sent')
})

t.test('more transitions than a flush may carry: one resync instead of a partial list', async t => {
  const { streams, port } = await serve(t, { maxPending: 3, flushMs: 20 })
  const s = await open(port)
  await waitFor(() => streams.size === 1, { what: 'the stream open' })
  for (let i = 0; i < 5; i++) streams.onTransition(transition('s', i))
  await waitFor(() => s.text().includes('event: resync'), { what: 'a resync' })
  t.match(s.text(), /event: resync\ndata: \{\}\n\n$/)
  t.same(sessionEvents(s.text()), [], 'no partial list is sent')
  streams.onTransition(transition('s', 9))
  await waitFor(() => sessionEvents(s.text()).length === 1, { what: 'the next flush, back to normal' })
  t.same(sessionEvents(s.text())[0].transitions.map((x: { event: string }) => x.event), ['e9'])
})

t.test('bounded: past maxStreams a 429 with when to retry; HEAD takes no slot', async t => {
  const { streams, port } = await serve(t, { maxStreams: 2, keepAliveMs: 7_500 })
  const head = await open(port, 'HEAD')
  t.equal(head.res.statusCode, 200)
  t.equal(head.res.headers['content-type'], EVENT_STREAM_CONTENT_TYPE)
  await head.ended
  t.equal(head.text(), '', 'HEAD has no body')
  const first = await open(port)
  const second = await open(port)
  await waitFor(() => streams.size === 2, { what: 'two streams' })
  const refused = await open(port)
  t.equal(refused.res.statusCode, 429)
  t.equal(refused.res.headers['retry-after'], '8')
  await refused.ended
  t.match(refused.text(), /too many open event streams \(at most 2\)/)
  first.leave()
  await waitFor(() => streams.size === 1, { what: 'a freed slot' })
  const third = await open(port)
  t.equal(third.res.statusCode, 200)
  second.leave()
  third.leave()
})

t.test('a client that stops reading is dropped once its unsent bytes pass the bound', async t => {
  // Each event is 16 KiB; the bound is 64 KiB past what the kernel took. A client that reads
  // keeps its backlog in the kernel's socket buffers, so only the stalled one passes the bound,
  // once those buffers are full.
  const big = 'x'.repeat(16 * 1024)
  const { streams, port } = await serve(t, { maxBufferedBytes: 64 * 1024, flushMs: 1 }, id => ({ sessionId: id, cwd: big }) as unknown as DashboardSession)
  const reader = await open(port)
  const stalled = await open(port)
  stalled.res.pause()
  await waitFor(() => streams.size === 2, { what: 'two streams' })
  let n = 0
  await waitFor(() => {
    streams.onTransition(transition('s', n++))
    return streams.size < 2
  }, { what: 'a client dropped', intervalMs: 2, timeoutMs: 60_000 })
  t.equal(streams.size, 1, 'the client that reads is kept')
  stalled.res.resume() // reads what was sent before the drop, then sees the connection end
  await stalled.ended
  const before = sessionEvents(reader.text()).length
  streams.onTransition(transition('s', n++))
  await waitFor(() => sessionEvents(reader.text()).length > before, { what: 'an event after the drop', timeoutMs: 30_000 })
  t.pass('the client that reads still gets events')
  reader.leave()
})

t.test('close ends every stream; later requests are refused and transitions ignored', async t => {
  const { streams, port } = await serve(t, { flushMs: QUIET })
  const a = await open(port)
  const b = await open(port)
  await waitFor(() => streams.size === 2, { what: 'two streams' })
  streams.onTransition(transition('s', 1)) // pending, its flush far away: close must not wait for it
  streams.close()
  await Promise.all([a.ended, b.ended])
  t.equal(streams.size, 0)
  t.notMatch(a.text(), /event:/, 'the pending transition is not sent')
  const late = await open(port)
  t.equal(late.res.statusCode, 404)
  await late.ended
  t.equal(late.text(), 'the event stream is closed')
  t.throws(() => streams.open({ method: 'GET', complete: true } as IncomingMessage, null as never), new HttpError(404, 'the event stream is closed'))
})
