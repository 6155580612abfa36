// The dashboard's routes over real sockets, against a real Supervisor on a test home: the page and
// its files under their CSP, /dashboard.json, and the /events stream (what it sends, its keep-alive,
// its bound, its clean-up). The groups, the timeline and the streams on their own are tested in
// their own files (dashboard-groups, dashboard-data, event-stream).
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths, type HomePaths } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import { startHttpApi } from '../../src/http/http-api.js'
import { DASHBOARD_CSP, DASHBOARD_FILES } from '../../src/http/dashboard-assets.js'
import { TIMELINE_WINDOW_MS } from '../../src/http/dashboard-data.js'
import { NEED_GROUPS } from '../../src/http/dashboard-groups.js'
import { EVENT_STREAM_LIMITS } from '../../src/http/event-stream.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

async function world(t: Test) {
  const home = join(processDir(t, { home: {} }), 'home')
  // After processDir: teardowns run last-registered first, so this stops before the folder goes.
  let stop = async () => {}
  t.teardown(() => stop())
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const paths = homePaths(home)
  const log = createFileLogger(paths.supervisorLog, 'info')
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  await supervisor.restoreAll()
  const api = await startHttpApi({ config, paths, supervisor, log, now: Date.now, version: 'test' })
  stop = async () => {
    await api.close()
    await supervisor.stop()
  }
  return { paths, supervisor, api, base: `http://127.0.0.1:${api.port}` }
}

function journal(paths: HomePaths, sessionId: string, event: string, fields: Record<string, unknown> = {}): void {
  appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event, sessionId, origin: 'hook', ...fields })
}

/** An open /events stream: its response, everything read so far, and a way to close it. */
function openStream(port: number, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; text: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events', headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('error', () => {})
      resolve({ res, text: () => text, close: () => req.destroy() })
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('GET / and its files: the page under a strict CSP, never cached; HEAD too', async t => {
  const w = await world(t)
  for (const [path, { type }] of Object.entries(DASHBOARD_FILES)) {
    const res = await fetch(w.base + path)
    t.equal(res.status, 200, path)
    t.equal(res.headers.get('content-type'), type, `${path} type`)
    t.equal(res.headers.get('content-security-policy'), DASHBOARD_CSP, `${path} CSP`)
    t.equal(res.headers.get('cache-control'), 'no-store')
    t.equal(res.headers.get('x-content-type-options'), 'nosniff')
    t.equal(res.headers.get('referrer-policy'), 'no-referrer')
    t.ok((await res.arrayBuffer()).byteLength > 0)
    const head = await fetch(w.base + path, { method: 'HEAD' })
    t.equal(head.status, 200)
    t.equal((await head.arrayBuffer()).byteLength, 0, `HEAD ${path} has no body`)
  }
  t.match(DASHBOARD_CSP, /script-src 'self'/)
  t.notMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|\*/)
  const html = await (await fetch(w.base + '/')).text()
  t.notMatch(html, /<script>|<style|style=|\son[a-z]+=/i, 'no inline script, style or handler in the page')
  t.match(html, /<script type="module" src="\/dashboard.js"><\/script>/)
  const post = await fetch(w.base + '/', { method: 'POST' })
  t.equal(post.status, 405)
  t.equal(post.headers.get('allow'), 'GET, HEAD')
})

t.test('GET /dashboard.json: sessions with their group and actions, health, timeline', async t => {
  const w = await world(t)
  const waiting = randomUUID()
  const ended = randomUUID()
  journal(w.paths, waiting, 'SessionStart', { cwd: '/work/a', source: 'startup' })
  journal(w.paths, waiting, 'LimitReported', { message: "You've hit your session limit", resetAt: Date.now() + 3_600_000 })
  journal(w.paths, ended, 'SessionStart', { cwd: '/work/b', source: 'startup' })
  journal(w.paths, ended, 'SessionEnd', { reason: 'other' })
  for (const id of [waiting, ended]) await w.supervisor.refresh(id)
  const res = await fetch(w.base + '/dashboard.json')
  t.equal(res.status, 200)
  t.equal(res.headers.get('cache-control'), 'no-store')
  const body = (await res.json()) as any
  t.same(body.groups, NEED_GROUPS)
  t.match(body.health, { status: 'ok', version: 'test', sessions: { total: 2 } })
  t.equal(body.timelineWindowMs, TIMELINE_WINDOW_MS)
  const byId = Object.fromEntries(body.sessions.map((s: any) => [s.sessionId, s]))
  t.match(byId[waiting], { state: 'scheduled', group: 'waiting', cwd: '/work/a', actions: { resume: true, cancel: true }, changedAt: /Z$/ })
  t.match(byId[ended], { state: 'ended', group: 'done', actions: { resume: false, cancel: false } })
  t.notOk('history' in byId[waiting], 'no per-session history: the timeline carries it')
  t.notOk('supervisor' in byId[waiting], 'no restore data')
  t.same(
    body.timeline.map((e: any) => `${e.sessionId === waiting ? 'w' : 'e'} ${e.from}→${e.to}`).sort(),
    ['e active→ended', 'w active→limited', 'w limited→scheduled'],
  )
})

t.test('GET /events: transitions arrive with the session as it is after them', async t => {
  const w = await world(t)
  const stream = await openStream(w.api.port)
  t.equal(stream.res.statusCode, 200)
  t.equal(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8')
  t.equal(stream.res.headers['cache-control'], 'no-store')
  await waitFor(() => stream.text().includes(': connected'), { what: 'the first comment' })
  t.match(stream.text(), /^retry: 2000\n/)
  const id = randomUUID()
  journal(w.paths, id, 'SessionStart', { cwd: '/work/live', source: 'startup' })
  journal(w.paths, id, 'LimitReported', { message: "You've hit your session limit", resetAt: Date.now() + 3_600_000 })
  await w.supervisor.refresh(id)
  const event = await waitFor(() => /event: session\ndata: (.*)\n\n/.exec(stream.text())?.[1], { what: 'a session event' })
  const message = JSON.parse(event)
  t.equal(message.sessionId, id)
  t.same(message.transitions.map((x: any) => `${x.from}→${x.to}:${x.group}`), ['active→limited:waiting', 'limited→scheduled:waiting'], 'one event for the burst')
  t.match(message.session, { sessionId: id, state: 'scheduled', group: 'waiting', cwd: '/work/live' })
  stream.close()
})

t.test('GET /events is bounded, answers HEAD, and frees its slot when a client leaves', async t => {
  const w = await world(t)
  const streams = await Promise.all(Array.from({ length: EVENT_STREAM_LIMITS.maxStreams }, () => openStream(w.api.port)))
  t.ok(streams.every(s => s.res.statusCode === 200))
  const refused = await fetch(`${w.base}/events`)
  t.equal(refused.status, 429)
  t.equal(refused.headers.get('retry-after'), '15')
  t.match(((await refused.json()) as any).error, /too many open event streams \(at most 16\)/)
  streams[0]!.close()
  const again = await waitFor(async () => {
    const s = await openStream(w.api.port)
    if (s.res.statusCode === 200) return s
    s.close()
    return undefined
  }, { what: 'a freed slot' })
  t.equal(again.res.statusCode, 200)
  const head = await fetch(`${w.base}/events`, { method: 'HEAD' })
  t.equal(head.status, 429, 'HEAD counts against nothing but is refused while full')
  for (const s of [...streams.slice(1), again]) s.close()
  await waitFor(async () => (await fetch(`${w.base}/events`, { method: 'HEAD' })).status === 200, { what: 'HEAD once there is room' })
  t.pass('HEAD answered 200 with no stream kept')
})

t.test('closing the API ends every stream', async t => {
  const w = await world(t)
  const stream = await openStream(w.api.port)
  const ended = new Promise<void>(resolve => stream.res.on('close', () => resolve()))
  await w.api.close()
  await ended
  t.pass('the stream ended')
})
