// The HTTP API over real sockets, against a real Supervisor on a test home: every endpoint's
// shape, the token, the loopback Host check, the journal lines it writes, and its 4xx answers.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { parseJournalLine, type JournalRecord } from '../../src/journal/event-record.js'
import { homePaths, sessionFile, type HomePaths } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import { HTTP_HOST, SERVER_LIMITS, startHttpApi } from '../../src/http/http-api.js'
import { MAX_BODY_BYTES } from '../../src/http/read-body.js'
import { processDir } from '../helpers/process-dir.js'
import { freePort } from '../helpers/free-port.js'

/** The subtest type `t.test` callbacks receive (its last overload is `test(cb)`). */
type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const VERSION = '0.0.0-test'

async function world(t: Test, env: Record<string, string> = {}) {
  const dir = processDir(t, { home: {}, sibling: { 'keep.txt': 'not the API’s business\n' } })
  // Registered after processDir: teardowns run last-registered first, so the supervisor stops
  // before its folder is removed.
  let stop = async () => {}
  t.teardown(() => stop())
  const home = join(dir, 'home')
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false', ...env })
  const paths = homePaths(home)
  const log = createFileLogger(paths.supervisorLog, 'info')
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  await supervisor.restoreAll()
  const api = await startHttpApi({ config, paths, supervisor, log, now: Date.now, version: VERSION })
  stop = async () => {
    await api.close()
    await supervisor.stop()
  }
  const token = readFileSync(paths.tokenFile, 'utf8').trim()
  return { dir, home, paths, supervisor, api, token, base: `http://127.0.0.1:${api.port}` }
}

function journal(paths: HomePaths, sessionId: string, event: string, fields: Partial<JournalRecord> = {}): void {
  appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event, sessionId, origin: 'hook', ...fields })
}

function journalLines(paths: HomePaths, id: string): string[] {
  const file = sessionFile(paths, id, 'journal')
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: any
}

/** One request over node:http (no agent), so any Host header can be sent. */
function call(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: HTTP_HOST, port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown = undefined
        try {
          json = JSON.parse(text)
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    if (opts.body !== undefined) {
      if (opts.chunked) {
        // Written in pieces without a Content-Length: Transfer-Encoding: chunked.
        const body = Buffer.from(opts.body)
        for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024), () => {})
      } else req.write(opts.body)
    }
    req.end()
  })
}

function post(port: number, path: string, body: unknown, token: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  return call(port, {
    method: 'POST',
    path,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: text,
  })
}

function assertJsonError(t: Test, answer: Answer, status: number, pattern?: RegExp) {
  t.equal(answer.status, status, `status ${status}: ${answer.text.trim()}`)
  t.equal(answer.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(answer.headers['cache-control'], 'no-store')
  t.type(answer.json?.error, 'string', 'a JSON error message')
  if (pattern) t.match(answer.json?.error, pattern)
}

/** Three sessions: one working, one limited until a known reset, one ended. */
async function threeSessions(w: Awaited<ReturnType<typeof world>>) {
  const active = 'active-' + randomUUID()
  const limited = 'limited-' + randomUUID()
  const ended = 'ended-' + randomUUID()
  const resetAt = Date.now() + 3 * 3_600_000
  journal(w.paths, active, 'SessionStart', { cwd: '/work/a', source: 'startup' })
  journal(w.paths, active, 'UserPromptSubmit', { promptLength: 5 })
  journal(w.paths, limited, 'SessionStart', { cwd: '/work/b', source: 'startup' })
  journal(w.paths, limited, 'LimitReported', { message: "You've hit your session limit", resetAt })
  journal(w.paths, ended, 'SessionStart', { cwd: '/work/c', source: 'startup' })
  journal(w.paths, ended, 'SessionEnd', { reason: 'prompt_input_exit' })
  for (const id of [active, limited, ended]) await w.supervisor.refresh(id)
  return { active, limited, ended, resetAt }
}

const withoutVolatile = (s: any) => {
  const { supervisor: _s, updatedAt: _u, ...rest } = s
  return rest
}

t.test('pinned limits', async t => {
  t.equal(MAX_BODY_BYTES, 64 * 1024)
  t.same(SERVER_LIMITS, {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    socketTimeoutMs: 60_000,
    maxHeaderBytes: 16 * 1024,
    maxHeadersCount: 65,
    maxConnections: 256,
  })
})

t.test('GET /health, /sessions, /sessions/<id>, /schedules, /metrics: shapes, and the state files agree', async t => {
  const w = await world(t)
  const ids = await threeSessions(w)

  const health = await fetch(`${w.base}/health`)
  t.equal(health.status, 200)
  t.equal(health.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(health.headers.get('cache-control'), 'no-store')
  const h = (await health.json()) as any
  t.match(h, {
    status: 'ok',
    reasons: [],
    version: VERSION,
    pid: process.pid,
    uptime: Number,
    sessions: { total: 3, byState: { active: 1, scheduled: 1, ended: 1 } },
    nextSchedule: { sessionId: ids.limited, retryAt: String },
    usage: null,
    journalLag: 0,
    lastError: null,
    running: 0,
    activeSessions: 2,
    scheduledResumes: 1,
    lastActivity: String,
    errors: 0,
  })
  t.ok(!Number.isNaN(Date.parse(h.lastActivity)), 'lastActivity is ISO')

  const sessions = (await (await fetch(`${w.base}/sessions`)).json()) as any
  t.equal(sessions.sessions.length, 3)
  for (const s of sessions.sessions) {
    t.notOk('supervisor' in s, 'no supervisor internals')
    const onDisk = JSON.parse(readFileSync(join(w.home, 'sessions', `${s.sessionId}.json`), 'utf8'))
    t.same(withoutVolatile(s), withoutVolatile(onDisk), `${s.sessionId}: the API says what the state file says`)
    t.ok(Date.parse(s.updatedAt) >= Date.parse(onDisk.updatedAt), 'updatedAt is the time of the answer')
  }
  t.same(sessions.sessions.map((s: any) => s.sessionId), [ids.active, ids.ended, ids.limited].sort())

  const one = await fetch(`${w.base}/sessions/${ids.limited}`)
  t.equal(one.status, 200)
  const oneBody = (await one.json()) as any
  t.match(oneBody, { sessionId: ids.limited, state: 'scheduled', cwd: '/work/b', limit: { resetAt: new Date(ids.resetAt).toISOString() } })
  t.notOk('supervisor' in oneBody)

  // resume_schedule.json is written a moment (50 ms, coalesced) after the state files.
  const scheduleFile = w.paths.resumeSchedule
  const schedules = (await (await fetch(`${w.base}/schedules`)).json()) as any
  const onDisk = () => (existsSync(scheduleFile) ? JSON.parse(readFileSync(scheduleFile, 'utf8')).schedules : null)
  for (let i = 0; i < 250 && JSON.stringify(onDisk()) !== JSON.stringify(schedules.schedules); i++) await new Promise(r => setTimeout(r, 20))
  t.same(schedules.schedules, onDisk(), '/schedules says what resume_schedule.json says')
  t.match(schedules.schedules, [{ sessionId: ids.limited, state: 'scheduled', retryAt: String, resetAt: new Date(ids.resetAt).toISOString(), attempt: 1 }])

  const metrics = await fetch(`${w.base}/metrics`)
  t.equal(metrics.status, 200)
  t.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(metrics.headers.get('cache-control'), 'no-store')
  const text = await metrics.text()
  for (const line of text.trim().split('\n')) {
    if (line.startsWith('#')) t.match(line, /^# (HELP|TYPE) session_retry_[a-z_]+ /)
    else t.match(line, /^session_retry_[a-z_]+(\{[a-z]+="[^"]*"\})? \d+$/, line)
  }
  t.match(text, 'session_retry_sessions{state="scheduled"} 1\n')
  t.match(text, 'session_retry_sessions{state="active"} 1\n')
  t.match(text, 'session_retry_sessions{state="resuming"} 0\n')
  t.match(text, 'session_retry_schedules_pending 1\n')
  t.match(text, 'session_retry_resumes_started_total 0\n')
  t.match(text, 'session_retry_events_applied_total 6\n')
  t.match(text, 'session_retry_lines_quarantined_total 0\n')
  t.match(text, 'session_retry_errors_total 0\n')
  t.match(text, 'session_retry_journal_lag_sessions 0\n')
  t.match(text, /session_retry_uptime_seconds \d+\n/)
  t.match(text, `session_retry_build_info{version="${VERSION}"} 1\n`)

  // HEAD answers like GET, without a body.
  const head = await call(w.api.port, { method: 'HEAD', path: '/health' })
  t.equal(head.status, 200)
  t.equal(head.text, '')
})

t.test('journal lag counts sessions with bytes not applied yet', async t => {
  const w = await world(t)
  const { active } = await threeSessions(w)
  journal(w.paths, active, 'Stop')
  const h = (await (await fetch(`${w.base}/health`)).json()) as any
  t.equal(h.journalLag, 1)
  await w.supervisor.refresh(active)
  t.equal(((await (await fetch(`${w.base}/health`)).json()) as any).journalLag, 0)
})

t.test('POST needs the bearer token: 401 without, 403 wrong, 202 right; the token file is 0600', async t => {
  const w = await world(t)
  t.equal(statSync(w.paths.tokenFile).mode & 0o777, 0o600, 'token file mode 0600')
  t.match(w.token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url')
  const id = 'tok-' + randomUUID()
  const body = { session_id: id, message: 'limit' }
  const none = await post(w.api.port, '/notify-limit', body, null)
  assertJsonError(t, none, 401, /Bearer/)
  t.match(none.headers['www-authenticate'], /^Bearer/)
  assertJsonError(t, await post(w.api.port, '/notify-limit', body, null, { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401)
  assertJsonError(t, await post(w.api.port, '/notify-limit', body, null, { Authorization: 'Bearer' }), 401)
  assertJsonError(t, await post(w.api.port, '/notify-limit', body, 'wrong'), 403)
  const sameLength = (w.token[0] === 'A' ? 'B' : 'A') + w.token.slice(1)
  assertJsonError(t, await post(w.api.port, '/notify-limit', body, sameLength), 403)
  t.same(journalLines(w.paths, id), [], 'refused requests wrote nothing')
  const ok = await post(w.api.port, '/notify-limit', body, w.token, {})
  t.equal(ok.status, 202, ok.text)
  // The scheme is case-insensitive.
  t.equal((await post(w.api.port, '/notify-limit', body, null, { Authorization: `bearer ${w.token}` })).status, 202)
})

t.test('a non-loopback Host or a foreign Origin is refused (DNS rebinding, cross-site pages)', async t => {
  const w = await world(t)
  const port = w.api.port
  for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', `127.0.0.1.evil.example:${port}`, 'localhost.evil', '10.0.0.1', '0.0.0.0', '127.0.0.2', '[::2]', 'localhost:80@evil', 'localhost:abc', 'localhost:123456']) {
    for (const path of ['/health', '/', '/dashboard.js', '/dashboard.json', '/events']) {
      assertJsonError(t, await call(port, { path, headers: { Host: host } }), 403, /loopback/)
    }
    const p = await post(port, '/notify-limit', { session_id: 'rebind', message: 'x' }, w.token, { Host: host })
    assertJsonError(t, p, 403)
  }
  t.same(journalLines(w.paths, 'rebind'), [])
  for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LocalHost', `[::1]:${port}`, '[::1]']) {
    t.equal((await call(port, { path: '/health', headers: { Host: host } })).status, 200, `Host ${host} accepted`)
    t.equal((await call(port, { path: '/', headers: { Host: host } })).status, 200, `Host ${host} gets the page`)
  }
  for (const path of ['/health', '/', '/events']) {
    assertJsonError(t, await call(port, { path, headers: { Host: '127.0.0.1', Origin: 'https://evil.example' } }), 403, /Origin/)
  }
  assertJsonError(t, await call(port, { path: '/health', headers: { Host: '127.0.0.1', Origin: 'null' } }), 403, /Origin/)
  t.equal((await call(port, { path: '/health', headers: { Origin: `http://localhost:${port}` } })).status, 200)
  // HTTP/1.0 without Host.
  const raw = await rawExchange(port, 'GET /health HTTP/1.0\r\n\r\n')
  t.match(raw, /^HTTP\/1\.1 403 /)
  t.match(raw, /"error":"the Host header is missing/)
})

t.test('an Origin after 64 headers cannot slip past the check: more than 64 headers are refused', async t => {
  const w = await world(t)
  const port = w.api.port
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join('')
  const request = (headers: string) => rawExchange(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers}\r\n`)
  t.match(await request(filler(62)), /^HTTP\/1\.1 200 /, '64 headers in all are fine')
  const cut = await request(filler(63))
  t.match(cut, /^HTTP\/1\.1 431 /, '65 are refused')
  t.match(cut, /"error":"the request has more than 64 headers"/)
  const smuggled = await request(filler(70) + 'Origin: https://evil.example\r\n')
  t.match(smuggled, /^HTTP\/1\.1 431 /, 'an Origin Node would have dropped is not ignored')
  t.match(await request(filler(61) + 'Origin: https://evil.example\r\n'), /^HTTP\/1\.1 403 /, 'within the limit, the Origin check sees it')
})

t.test('POST /notify-limit appends exactly one journal line and the session is scheduled at the reset', async t => {
  const w = await world(t)
  const id = 'notify-' + randomUUID()
  const resetAt = new Date(Math.ceil((Date.now() + 2 * 3_600_000) / 1000) * 1000)
  const answer = await post(
    w.api.port,
    '/notify-limit',
    { session_id: id, message: "You've hit your session limit", reset_at: resetAt.toISOString(), cwd: '/work/project', transcript_path: '/work/project/t.jsonl' },
    w.token,
  )
  t.equal(answer.status, 202, answer.text)
  t.match(answer.json, { accepted: true, sessionId: id, resetAt: resetAt.toISOString(), eventId: String })
  const lines = journalLines(w.paths, id)
  t.equal(lines.length, 1, 'exactly one line')
  const parsed = parseJournalLine(lines[0]!)
  t.ok(parsed.ok, 'parseJournalLine accepts it')
  if (!parsed.ok) return
  t.same(Object.keys(parsed.value).sort(), ['cwd', 'event', 'id', 'message', 'origin', 'resetAt', 'sessionId', 'transcriptPath', 'ts', 'v'])
  t.match(parsed.value, {
    v: 1,
    id: answer.json.eventId,
    event: 'LimitReported',
    sessionId: id,
    origin: 'http',
    message: "You've hit your session limit",
    resetAt: resetAt.getTime(),
    cwd: '/work/project',
    transcriptPath: '/work/project/t.jsonl',
  })
  await w.supervisor.refresh(id)
  const state = w.supervisor.sessions.get(id)!.toStateFile(Date.now())
  t.equal(state.state, 'scheduled')
  t.equal(state.limit?.resetAt, resetAt.toISOString(), 'the reset given')
  t.equal(state.limit?.source, 'http')
  // cwd and transcriptPath are journaled (above); record-to-events.ts does not carry them from a
  // LimitReported into the machine yet, so the state's cwd is not asserted here.
  const viaApi = (await (await fetch(`${w.base}/sessions/${id}`)).json()) as any
  t.equal(viaApi.state, 'scheduled')

  // Epoch seconds and epoch milliseconds mean the same instant.
  for (const [i, value] of [resetAt.getTime() / 1000, resetAt.getTime()].entries()) {
    const other = `epoch-${i}-${randomUUID()}`
    const a = await post(w.api.port, '/notify-limit', { session_id: other, reset_at: value }, w.token)
    t.equal(a.status, 202, a.text)
    t.equal(a.json.resetAt, resetAt.toISOString())
    t.equal(JSON.parse(journalLines(w.paths, other)[0]!).resetAt, resetAt.getTime())
  }
  // Without reset_at the answer says null; the supervisor reads the reset from the message.
  const bannerId = 'banner-' + randomUUID()
  const banner = await post(w.api.port, '/notify-limit', { session_id: bannerId, message: "You've hit your 5-hour limit · resets 3pm (UTC)" }, w.token)
  t.equal(banner.status, 202)
  t.equal(banner.json.resetAt, null)
  await w.supervisor.refresh(bannerId)
  t.equal(w.supervisor.sessions.get(bannerId)!.state, 'scheduled', 'scheduled from the banner')
  // A long message keeps its tail, like the hook.
  const longId = 'long-' + randomUUID()
  const long = 'x'.repeat(20_000) + " You've hit your limit"
  t.equal((await post(w.api.port, '/notify-limit', { session_id: longId, message: long }, w.token)).status, 202)
  const longRecord = JSON.parse(journalLines(w.paths, longId)[0]!)
  t.equal(longRecord.message.length, 8192)
  t.ok(long.endsWith(longRecord.message))
  t.same(longRecord.truncated, ['message'])
})

t.test('DevFlow’s { limitMessage } applies to the current session, or 409 when there is none', async t => {
  const w = await world(t)
  const none = await post(w.api.port, '/notify-limit', { limitMessage: "You've hit your session limit · resets 3pm (UTC)" }, w.token)
  assertJsonError(t, none, 409, /^no current session: /)
  const id = 'current-' + randomUUID()
  journal(w.paths, id, 'SessionStart', { cwd: '/work/current', source: 'startup' })
  await w.supervisor.refresh(id)
  for (let i = 0; i < 100 && !existsSync(w.paths.currentSession); i++) await new Promise(r => setTimeout(r, 20))
  t.equal(JSON.parse(readFileSync(w.paths.currentSession, 'utf8')).sessionId, id)
  const before = journalLines(w.paths, id).length
  const ok = await post(w.api.port, '/notify-limit', { limitMessage: "You've hit your session limit · resets 3pm (UTC)" }, w.token)
  t.equal(ok.status, 202, ok.text)
  t.match(ok.json, { accepted: true, sessionId: id, resetAt: null })
  const lines = journalLines(w.paths, id)
  t.equal(lines.length, before + 1)
  t.match(JSON.parse(lines.at(-1)!), { event: 'LimitReported', origin: 'http', message: "You've hit your session limit · resets 3pm (UTC)" })
  await w.supervisor.refresh(id)
  t.equal(w.supervisor.sessions.get(id)!.state, 'scheduled')
  // With reset_at too.
  const reset = Date.now() + 3_600_000
  const withReset = await post(w.api.port, '/notify-limit', { limitMessage: 'limit reached', reset_at: reset }, w.token)
  t.equal(withReset.status, 202)
  t.equal(withReset.json.resetAt, new Date(reset).toISOString())
  // Mixed shapes are refused, not guessed.
  assertJsonError(t, await post(w.api.port, '/notify-limit', { limitMessage: 'x', cwd: '/a' }, w.token), 400, /cwd/)
  assertJsonError(t, await post(w.api.port, '/notify-limit', { limitMessage: 'x', session_id: id }, w.token), 400, /limitMessage/)
})

t.test('POST /sessions/<id>/cancel and /resume append control lines and the machine follows', async t => {
  const w = await world(t)
  const { limited } = await threeSessions(w)
  const cancel = await call(w.api.port, { method: 'POST', path: `/sessions/${limited}/cancel`, headers: { Authorization: `Bearer ${w.token}` } })
  t.equal(cancel.status, 202, cancel.text)
  t.match(cancel.json, { accepted: true, sessionId: limited, event: 'ScheduleCancelled', eventId: String, state: 'scheduled' })
  t.match(JSON.parse(journalLines(w.paths, limited).at(-1)!), { event: 'ScheduleCancelled', origin: 'http', id: cancel.json.eventId })
  await w.supervisor.refresh(limited)
  t.equal(w.supervisor.sessions.get(limited)!.state, 'cancelled')
  const resume = await post(w.api.port, `/sessions/${limited}/resume`, {}, w.token)
  t.equal(resume.status, 202, resume.text)
  t.match(resume.json, { event: 'ResumeRequested', state: 'cancelled' })
  t.match(JSON.parse(journalLines(w.paths, limited).at(-1)!), { event: 'ResumeRequested', origin: 'http' })
  await w.supervisor.refresh(limited)
  t.equal(w.supervisor.sessions.get(limited)!.state, 'due', 'due (SESSION_RETRY_CLAUDE_INTEGRATION=false: not started)')

  const count = journalLines(w.paths, limited).length
  assertJsonError(t, await post(w.api.port, `/sessions/${limited}/resume`, { now: true }, w.token), 400, /no fields/)
  assertJsonError(t, await post(w.api.port, `/sessions/${limited}/resume`, 'now', w.token, { 'Content-Type': 'text/plain' }), 415)
  assertJsonError(t, await post(w.api.port, `/sessions/${limited}/resume`, '{', w.token), 400)
  assertJsonError(t, await post(w.api.port, `/sessions/${randomUUID()}/resume`, {}, w.token), 404, /no such session/)
  assertJsonError(t, await post(w.api.port, `/sessions/..%2F..%2Fx/cancel`, {}, w.token), 400)
  assertJsonError(t, await call(w.api.port, { path: `/sessions/${limited}/cancel` }), 405)
  t.equal(journalLines(w.paths, limited).length, count, 'refused requests wrote nothing')
})

t.test('bad input: every answer is a 4xx JSON error that says why', async t => {
  const w = await world(t)
  const port = w.api.port
  const id = 'bad-' + randomUUID()
  const good = { session_id: id, message: 'limit' }
  const cases: [string, Promise<Answer>, number, RegExp][] = [
    ['malformed JSON', post(port, '/notify-limit', '{"session_id":', w.token), 400, /not valid JSON/],
    ['empty body', post(port, '/notify-limit', '', w.token), 400, /empty/],
    ['not an object', post(port, '/notify-limit', '[1,2]', w.token), 400, /JSON object/],
    ['unknown field', post(port, '/notify-limit', { ...good, extra: 1 }, w.token), 400, /Unrecognized key.*extra/],
    ['__proto__ field', post(port, '/notify-limit', `{"session_id":"${id}","__proto__":{"x":1}}`, w.token), 400, /__proto__/],
    ['wrong type', post(port, '/notify-limit', { session_id: id, message: 42 }, w.token), 400, /message/],
    ['hostile session id', post(port, '/notify-limit', { session_id: '../../etc/passwd', message: 'x' }, w.token), 400, /session_id/],
    ['empty session id', post(port, '/notify-limit', { session_id: '', message: 'x' }, w.token), 400, /session_id/],
    ['long session id', post(port, '/notify-limit', { session_id: 'a'.repeat(200) }, w.token), 400, /128/],
    ['relative cwd', post(port, '/notify-limit', { ...good, cwd: 'relative/dir' }, w.token), 400, /cwd: must be an absolute path/],
    ['reset without zone', post(port, '/notify-limit', { ...good, reset_at: '2030-01-01T10:00:00' }, w.token), 400, /reset_at: .*zone/],
    ['reset not a date', post(port, '/notify-limit', { ...good, reset_at: 'tomorrow' }, w.token), 400, /reset_at/],
    ['reset in microseconds', post(port, '/notify-limit', { ...good, reset_at: Date.now() * 1000 }, w.token), 400, /reset_at: is out of range/],
    ['reset negative', post(port, '/notify-limit', { ...good, reset_at: -5 }, w.token), 400, /reset_at/],
    ['reset null', post(port, '/notify-limit', { ...good, reset_at: null }, w.token), 400, /reset_at/],
    ['invalid UTF-8', post(port, '/notify-limit', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), w.token), 400, /UTF-8/],
    ['text/plain', post(port, '/notify-limit', good, w.token, { 'Content-Type': 'text/plain' }), 415, /application\/json/],
    ['form', post(port, '/notify-limit', 'a=b', w.token, { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
    ['latin1 charset', post(port, '/notify-limit', good, w.token, { 'Content-Type': 'application/json; charset=latin1' }), 415, /charset/],
    ['no content type', call(port, { method: 'POST', path: '/notify-limit', headers: { Authorization: `Bearer ${w.token}` }, body: JSON.stringify(good) }), 415, /missing/],
    ['declared too large', post(port, '/notify-limit', 'x'.repeat(MAX_BODY_BYTES + 1), w.token), 413, /64 KiB/],
    ['chunked too large', call(port, { method: 'POST', path: '/notify-limit', headers: { Authorization: `Bearer ${w.token}`, 'Content-Type': 'application/json' }, body: 'x'.repeat(1024 * 1024), chunked: true }), 413, /64 KiB/],
  ]
  for (const [name, pending, status, pattern] of cases) {
    const answer = await pending
    t.test(name, async t => assertJsonError(t, answer, status, pattern))
  }
  t.same(journalLines(w.paths, id), [], 'no refused request wrote a line')
  t.equal(w.supervisor.stats.errors, 0, 'no supervisor error')
  t.equal((await fetch(`${w.base}/health`)).status, 200)
})

t.test('malformed HTTP is answered 400 on the socket, huge headers 431, and the server carries on', async t => {
  const w = await world(t)
  const port = w.api.port
  const garbage = await rawExchange(port, 'GARBAGE\r\n\r\n')
  t.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(garbage, /Content-Type: application\/json; charset=utf-8/)
  t.match(garbage, /\{"error":"malformed HTTP request/)
  const huge = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(SERVER_LIMITS.maxHeaderBytes + 10)}\r\n\r\n`)
  t.match(huge, /^HTTP\/1\.1 431 /)
  const badLength = await rawExchange(port, 'POST /notify-limit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n')
  t.match(badLength, /^HTTP\/1\.1 400 /)
  const connectMethod = await rawExchange(port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  t.match(connectMethod, /^HTTP\/1\.1 405 /)
  // An upgrade offer is ignored: the request is answered over HTTP/1.1.
  const upgrade = await rawExchange(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n')
  t.match(upgrade, /^HTTP\/1\.1 200 /)
  const expect = await rawExchange(port, 'POST /notify-limit HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: 0\r\n\r\n')
  t.match(expect, /^HTTP\/1\.1 417 /)
  // Two requests on one kept-alive connection both get answers.
  const twice = await rawExchange(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  t.match(twice, /^HTTP\/1\.1 200 [\s\S]*HTTP\/1\.1 404 /)
  t.equal((await fetch(`${w.base}/health`)).status, 200)
})

t.test('health is degraded for 5 minutes after a supervisor error', async t => {
  const w = await world(t)
  w.supervisor.stats.errors++
  w.supervisor.stats.lastError = 'session x: disk full'
  const h = (await (await fetch(`${w.base}/health`)).json()) as any
  t.equal(h.status, 'degraded')
  t.match(h.reasons, [/^1 supervisor error\(s\) in the last 5 minutes; last: session x: disk full$/])
  t.equal(h.errors, 1)
  t.equal(h.lastError, 'session x: disk full')
  t.type(h.lastErrorAt, 'string')
})

t.test('a separate health port serves /health alone', async t => {
  const port = await freePort()
  const w = await world(t, { SESSION_RETRY_HEALTH_PORT: String(port) })
  t.equal(w.api.healthPort, port)
  t.not(w.api.port, port)
  const health = await call(port, { path: '/health' })
  t.equal(health.status, 200)
  t.equal(health.json.status, 'ok')
  assertJsonError(t, await call(port, { path: '/sessions' }), 404, /\/health only/)
  assertJsonError(t, await post(port, '/notify-limit', { session_id: 'x' }, w.token), 404)
  assertJsonError(t, await call(port, { path: '/health', headers: { Host: 'evil.example' } }), 403)
  t.equal((await call(w.api.port, { path: '/health' })).status, 200, 'the main port serves /health too')
})

t.test('same ports: one server; a port in use is a clear error; close() frees the port', async t => {
  const w = await world(t)
  t.equal(w.api.healthPort, null)
  const dir = t.testdir({})
  const config = loadConfig({ SESSION_RETRY_HOME: dir, SESSION_RETRY_PORT: String(w.api.port), SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const paths = homePaths(dir)
  const log = createFileLogger(paths.supervisorLog, 'info')
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  await t.rejects(startHttpApi({ config, paths, supervisor, log, now: Date.now, version: VERSION }), { message: /port \d+ on 127\.0\.0\.1 is already in use; set SESSION_RETRY_PORT/ })
  await supervisor.stop()
  const port = w.api.port
  await w.api.close()
  await w.api.close()
  await t.rejects(fetch(`http://127.0.0.1:${port}/health`), 'nothing listens after close()')
})

/** Writes raw bytes, returns everything the server sends until it closes (or 3 s pass). */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise(resolve => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const timer = setTimeout(done, 3_000)
    socket.on('data', c => chunks.push(c))
    socket.on('close', done)
    socket.on('error', done)
    socket.write(data)
  })
}
