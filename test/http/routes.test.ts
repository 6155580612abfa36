// The route table on its own: handleRequest behind a bare node:http server (no http-api.ts
// around it), against a real Supervisor on a test home. Which path and method reach which
// handler, the 404/405/414/400 answers the table gives before any handler runs, the token on
// every POST route, and session ids refused before anything is read or written.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths, sessionFile, type HomePaths } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import { ensureApiToken } from '../../src/http/api-token.js'
import { loadDashboardAssets } from '../../src/http/dashboard-assets.js'
import { EventStreams } from '../../src/http/event-stream.js'
import { ErrorTracker } from '../../src/http/health.js'
import { HttpError, sendError } from '../../src/http/respond.js'
import { handleRequest, MAX_PATH_CHARS, ROUTES, type ApiContext } from '../../src/http/routes.js'
import { processDir } from '../helpers/process-dir.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: any
}

/** A Supervisor, and two bare servers running handleRequest: all routes, and health only. */
async function world(t: Test) {
  const dir = processDir(t, { home: {} })
  const servers: Server[] = []
  let stopSupervisor = async () => {}
  t.teardown(async () => {
    await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))))
    await stopSupervisor()
  })
  const home = join(dir, 'home')
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const paths = homePaths(home)
  const log = createFileLogger(paths.supervisorLog, 'info')
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  await supervisor.restoreAll()
  stopSupervisor = () => supervisor.stop()
  const streams = new EventStreams(() => null)
  t.teardown(() => streams.close())
  const ctx: ApiContext = {
    deps: { config, paths, supervisor, log, now: Date.now, version: '0.0.0-test' },
    token: await ensureApiToken(paths),
    errors: new ErrorTracker(supervisor.stats, Date.now),
    assets: await loadDashboardAssets(),
    streams,
  }
  const serve = async (healthOnly: boolean) => {
    const server = createServer((req, res) => {
      handleRequest(ctx, req, res, { healthOnly }).catch(error => {
        if (error instanceof HttpError) sendError(req, res, error.status, error.message, error.headers)
        else sendError(req, res, 500, String(error))
      })
    })
    servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }
  return { paths, supervisor, token: ctx.token, port: await serve(false), healthPort: await serve(true) }
}

function call(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

function assertJsonError(t: Test, answer: Answer, status: number, pattern?: RegExp) {
  t.equal(answer.status, status, `status ${status}: ${answer.text.trim()}`)
  t.equal(answer.headers['content-type'], 'application/json; charset=utf-8')
  t.type(answer.json?.error, 'string', 'a JSON error message')
  if (pattern) t.match(answer.json?.error, pattern)
}

function journalLines(paths: HomePaths, id: string): string[] {
  const file = sessionFile(paths, id, 'journal')
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}

async function startSession(w: Awaited<ReturnType<typeof world>>, id: string): Promise<void> {
  appendRecord(w.paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event: 'SessionStart', sessionId: id, origin: 'hook', cwd: '/work/a', source: 'startup' })
  await w.supervisor.refresh(id)
}

/** Every path the table knows, with `:id` filled in, and the methods it takes. */
const KNOWN: [path: string, methods: string][] = [
  ['/health', 'GET, HEAD'],
  ['/sessions', 'GET, HEAD'],
  ['/sessions/some-id', 'GET, HEAD'],
  ['/sessions/some-id/resume', 'POST'],
  ['/sessions/some-id/cancel', 'POST'],
  ['/schedules', 'GET, HEAD'],
  ['/metrics', 'GET, HEAD'],
  ['/notify-limit', 'POST'],
  ['/', 'GET, HEAD'],
  ['/dashboard.css', 'GET, HEAD'],
  ['/dashboard.js', 'GET, HEAD'],
  ['/favicon.svg', 'GET, HEAD'],
  ['/dashboard.json', 'GET, HEAD'],
  ['/events', 'GET, HEAD'],
]

t.test('the table: one route per path, GET or POST', async t => {
  const paths = ROUTES.map(r => '/' + r.pattern.map(p => (p === ':id' ? 'some-id' : p)).join('/'))
  t.same(paths.sort(), KNOWN.map(([p]) => p).sort(), 'the known paths, each once')
  for (const route of ROUTES) t.ok(Boolean(route.GET) !== Boolean(route.POST), `${route.pattern.join('/')}: exactly one method`)
  t.equal(MAX_PATH_CHARS, 2048)
})

t.test('every GET route answers GET and HEAD; every other method is 405 with Allow', async t => {
  const w = await world(t)
  await startSession(w, 'some-id')
  for (const [path, allow] of KNOWN) {
    if (allow === 'GET, HEAD') {
      if (path === '/events') continue // a stream: its GET stays open (event-stream.test.ts)
      const get = await call(w.port, { path })
      t.equal(get.status, 200, `GET ${path}: ${get.text.slice(0, 80)}`)
      t.ok(get.text.length > 0, `GET ${path} has a body`)
      const head = await call(w.port, { method: 'HEAD', path })
      t.equal(head.status, 200, `HEAD ${path}`)
      t.equal(head.text, '', `HEAD ${path} has no body`)
    }
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      if (allow.split(', ').includes(method)) continue
      const answer = await call(w.port, { method, path })
      assertJsonError(t, answer, 405, new RegExp(`method "${method}" is not allowed on ${path.replace(/[.]/g, '\\.')}; use ${allow}`))
      t.equal(answer.headers.allow, allow, `${method} ${path}: Allow`)
    }
  }
})

t.test('a path the table does not know is 404; the query is not part of the path', async t => {
  const w = await world(t)
  for (const path of ['/nope', '/health/', '/Health', '//health', '/sessions/a/b', '/sessions/a/resume/x', '/../../etc/passwd', '/sessions/../../etc/passwd', '/dashboard.css/x']) {
    assertJsonError(t, await call(w.port, { path }), 404, /no such endpoint/)
  }
  t.equal((await call(w.port, { path: '/health?x=1#frag' })).status, 200, 'query ignored')
  t.equal((await call(w.port, { path: '/sessions?' })).status, 200, 'empty query ignored')
  assertJsonError(t, await call(w.port, { path: '/nope?/health' }), 404, /no such endpoint: .*\/nope/)
})

t.test('the request target must be a path, and not a long one', async t => {
  const w = await world(t)
  assertJsonError(t, await call(w.port, { path: 'http://evil.example/health' }), 400, /must be a path/)
  assertJsonError(t, await call(w.port, { path: '/' + 'a'.repeat(MAX_PATH_CHARS) }), 414, /longer than 2048/)
  // The limit counts the path only: a long query does not count.
  t.equal((await call(w.port, { path: '/health?' + 'q'.repeat(MAX_PATH_CHARS) })).status, 200)
  // A path of exactly the limit is looked up (and unknown).
  assertJsonError(t, await call(w.port, { path: '/' + 'a'.repeat(MAX_PATH_CHARS - 1) }), 404)
})

t.test('the loopback check comes before the table: a foreign Host is 403 even on unknown paths', async t => {
  const w = await world(t)
  assertJsonError(t, await call(w.port, { path: '/nope', headers: { Host: 'evil.example' } }), 403, /loopback/)
  assertJsonError(t, await call(w.port, { method: 'PUT', path: '/health', headers: { Host: 'evil.example' } }), 403, /loopback/)
})

t.test('health only: /health answers, every other path is 404 saying so', async t => {
  const w = await world(t)
  t.equal((await call(w.healthPort, { path: '/health' })).status, 200)
  for (const [path] of KNOWN.filter(([p]) => p !== '/health')) {
    assertJsonError(t, await call(w.healthPort, { path }), 404, /\(this port serves \/health only\)/)
  }
  assertJsonError(t, await call(w.healthPort, { method: 'POST', path: '/health' }), 405)
})

t.test('GET /sessions/<id>: unknown is 404, hostile ids are 400', async t => {
  const w = await world(t)
  assertJsonError(t, await call(w.port, { path: `/sessions/${randomUUID()}` }), 404, /no such session/)
  for (const bad of ['bad.id', '..', '%2e%2e%2fetc', '%00', 'a%00b', '-leading-dash', 'x'.repeat(129), 'caf%C3%A9']) {
    assertJsonError(t, await call(w.port, { path: `/sessions/${bad}` }), 400)
  }
  assertJsonError(t, await call(w.port, { path: '/sessions/%E0%A4%A' }), 400, /not valid percent-encoding/)
  // An empty segment is an id too, and not a valid one.
  assertJsonError(t, await call(w.port, { path: '/sessions/' }), 400)
  // A percent-encoded valid id is decoded and looked up.
  const id = 'enc-' + randomUUID()
  await startSession(w, id)
  const found = await call(w.port, { path: `/sessions/${id.replace('-', '%2D')}` })
  t.equal(found.status, 200, found.text)
  t.equal(found.json.sessionId, id)
})

t.test('POST routes need the token before anything else about the request is checked', async t => {
  const w = await world(t)
  for (const path of ['/notify-limit', '/sessions/tok-x/resume', '/sessions/tok-x/cancel', '/sessions/bad.id/resume']) {
    assertJsonError(t, await call(w.port, { method: 'POST', path }), 401, /Bearer/)
    assertJsonError(t, await call(w.port, { method: 'POST', path, headers: { Authorization: 'Bearer nope' } }), 403)
  }
  t.same(journalLines(w.paths, 'tok-x'), [], 'refused requests wrote nothing')
  const auth = { Authorization: `Bearer ${w.token}` }
  // With the token, a hostile id is refused before the session is looked up or a line written.
  for (const action of ['resume', 'cancel']) {
    assertJsonError(t, await call(w.port, { method: 'POST', path: `/sessions/bad.id/${action}`, headers: auth }), 400)
    assertJsonError(t, await call(w.port, { method: 'POST', path: `/sessions/%2e%2e/${action}`, headers: auth }), 400)
    assertJsonError(t, await call(w.port, { method: 'POST', path: `/sessions//${action}`, headers: auth }), 400)
    assertJsonError(t, await call(w.port, { method: 'POST', path: `/sessions/${randomUUID()}/${action}`, headers: auth }), 404, /no such session/)
  }
})

t.test('resume and cancel reach their own events', async t => {
  const w = await world(t)
  const id = 'ctl-' + randomUUID()
  await startSession(w, id)
  const auth = { Authorization: `Bearer ${w.token}` }
  const cancel = await call(w.port, { method: 'POST', path: `/sessions/${id}/cancel`, headers: auth })
  t.equal(cancel.status, 202, cancel.text)
  t.equal(cancel.json.event, 'ScheduleCancelled')
  const resume = await call(w.port, { method: 'POST', path: `/sessions/${id}/resume`, headers: auth })
  t.equal(resume.status, 202, resume.text)
  t.equal(resume.json.event, 'ResumeRequested')
  const events = journalLines(w.paths, id).map(line => JSON.parse(line).event)
  t.same(events, ['SessionStart', 'ScheduleCancelled', 'ResumeRequested'])
})
