// Thousands of malformed requests against the real API and a real Supervisor (the dashboard's
// page, files and /events stream included): random methods, paths (`../`, `%00`, very long ids),
// headers (hostile Host, huge values, many of them), bodies (broken JSON, binary, huge), half
// through node:http, half as raw bytes on a TCP socket.
// Every answer must be a 4xx/2xx (never 5xx), every error JSON; afterwards /health still answers
// 200, the supervisor logged no error, and nothing outside <home> changed.
// Replay a run with FUZZ_SEED=<seed>; FUZZ_REQUESTS sets how many requests (default 3000).
import t from 'tap'
import { createHash, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, lstatSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { join, relative } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import { startHttpApi } from '../../src/http/http-api.js'
import { DASHBOARD_FILES } from '../../src/http/dashboard-assets.js'
import { processDir } from '../helpers/process-dir.js'

const SEED = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31
const REQUESTS = Number(process.env.FUZZ_REQUESTS) || 3000
/** Past MIN_REQUESTS, stop generating after this long (a loaded machine still finishes in time). */
const BUDGET_MS = 35_000
const MIN_REQUESTS = 2000
const CONCURRENCY = 12
/** A raw exchange the server leaves open (an incomplete request it is still waiting for) is cut here. */
const RAW_WAIT_MS = 1_000
/** After some answer has come, a pause this long means it is complete. */
const RAW_IDLE_MS = 100

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  const chance = (p: number) => next() < p
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)))
  const ascii = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('')
  return { next, int, pick, chance, bytes, ascii }
}

type Rng = ReturnType<typeof prng>

interface Outcome {
  kind: 'http' | 'raw'
  statuses: number[]
  problem?: string
}

t.test(`fuzz: ${REQUESTS} malformed requests (seed ${SEED})`, async t => {
  t.comment(`fuzz seed ${SEED} — replay with FUZZ_SEED=${SEED}`)
  const dir = processDir(t, {
    home: {},
    sibling: { 'keep.txt': 'untouched\n', nested: { 'a.jsonl': '{"x":1}\n', 'b.json': '{}' } },
    'next-to-home.jsonl': '',
  })
  // After processDir: teardowns run last-registered first, so this stops before the folder goes.
  let stop = async () => {}
  t.teardown(() => stop())
  const home = join(dir, 'home')
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const paths = homePaths(home)
  const log = createFileLogger(paths.supervisorLog, 'info')
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  await supervisor.restoreAll()
  const api = await startHttpApi({ config, paths, supervisor, log, now: Date.now, version: 'fuzz' })
  stop = async () => {
    await api.close()
    await supervisor.stop()
  }
  const token = readFileSync(paths.tokenFile, 'utf8').trim()
  const ids = [randomUUID(), randomUUID(), 'fuzz-known']
  for (const id of ids) {
    appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event: 'SessionStart', sessionId: id, origin: 'hook', cwd: '/work/x' })
    appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event: 'LimitReported', sessionId: id, origin: 'hook', resetAt: Date.now() + 3_600_000 })
    await supervisor.refresh(id)
  }
  const before = snapshotOutside(dir, home)

  const rng = prng(SEED)
  const started = Date.now()
  let issued = 0
  const counts = { http: 0, raw: 0, noAnswer: 0, byStatus: {} as Record<string, number> }
  const problems: string[] = []
  const worker = async () => {
    while (issued < REQUESTS && (issued < MIN_REQUESTS || Date.now() - started < BUDGET_MS)) {
      const n = issued++
      const outcome = rng.chance(0.5) ? await httpCase(rng, api.port, token, ids) : await rawCase(rng, api.port, token, ids)
      counts[outcome.kind]++
      if (outcome.statuses.length === 0) counts.noAnswer++
      for (const s of outcome.statuses) counts.byStatus[s] = (counts.byStatus[s] ?? 0) + 1
      if (outcome.problem && problems.length < 20) problems.push(`#${n} ${outcome.problem}`)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const elapsed = Date.now() - started
  t.comment(`fuzz: ${issued} requests (${counts.http} node:http, ${counts.raw} raw socket) in ${elapsed} ms; seed ${SEED}`)
  t.comment(`fuzz: statuses ${JSON.stringify(counts.byStatus)}; ${counts.noAnswer} raw exchanges left unanswered (incomplete requests cut by the client)`)

  t.ok(issued >= MIN_REQUESTS, `at least ${MIN_REQUESTS} requests (${issued})`)
  t.same(problems, [], 'every answer was well-formed, non-5xx, JSON on error')
  t.notOk(Object.keys(counts.byStatus).some(s => Number(s) >= 500), 'no 5xx')

  const health = await fetch(`http://127.0.0.1:${api.port}/health`)
  t.equal(health.status, 200, 'still answers /health')
  const body = (await health.json()) as { status: string; errors: number }
  t.equal(body.status, 'ok', 'and is not degraded')
  t.equal(supervisor.stats.errors, 0, `no supervisor error (${supervisor.stats.lastError})`)
  t.same(snapshotOutside(dir, home), before, 'no file outside <home> changed')
  // Stopped first: a summary write in flight leaves a temp file beside its target for a moment.
  await stop()
  stop = async () => {}
  for (const file of walk(home)) {
    const rel = relative(home, file)
    // The summary files are in sessions/ (current_session.json, resume_schedule.json), never at the top.
    t.match(rel, /^(api-token|logs\/[a-z.-]+\.log|sessions\/(events\/)?[A-Za-z0-9][A-Za-z0-9_-]{0,127}\.jsonl?)$/, `expected file in home: ${rel}`)
  }
})

// ---------------------------------------------------------------- generators

const DASHBOARD_TYPES = new Set<string>(Object.values(DASHBOARD_FILES).map(f => f.type))

const GOOD_HOSTS = ['127.0.0.1', 'localhost', '[::1]']
const BAD_HOSTS = ['evil.example', '127.0.0.1.evil.example', 'localhost.', '0x7f000001', '127.1', '', ' ', 'a'.repeat(300), '[::ffff:127.0.0.1]', 'localhost:99999999']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE']
const RAW_METHODS = [...METHODS, 'get', 'FOO', 'G\x00T', 'GET GET', '', 'POST\t', 'CONNECT', 'PRI', 'Ä']
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', ';;;', 'a'.repeat(2000), '']

function pathFor(rng: Rng, ids: string[]): string {
  const id = () =>
    rng.pick([
      rng.pick(ids),
      randomUUID(),
      '..',
      '../../sibling/keep',
      '%2e%2e%2f%2e%2e%2fsibling',
      '%00',
      'a%00b',
      'x'.repeat(rng.int(5000)),
      '-rf',
      '.hidden',
      'ok_id',
      '%C0%AF',
      '%ZZ',
      encodeURIComponent(rng.ascii(rng.int(30))),
      'ü',
    ])
  const base = rng.pick([
    '/health',
    '/sessions',
    `/sessions/${id()}`,
    `/sessions/${id()}/resume`,
    `/sessions/${id()}/cancel`,
    `/sessions/${id()}/${rng.pick(['delete', 'resume/extra', ''])}`,
    '/schedules',
    '/metrics',
    '/notify-limit',
    '/',
    '/events',
    '/events',
    '/dashboard.js',
    '/dashboard.css',
    '/dashboard.json',
    '/favicon.svg',
    '//health',
    '/health/',
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/notify-limit%00',
    `/${rng.ascii(rng.int(100))}`,
    '*',
    'http://evil.example/health',
    '/' + 'a/'.repeat(rng.int(1500)),
  ])
  return rng.chance(0.2) ? `${base}?${rng.pick(['a=1', 'session_id=../../x', '%00', '#frag', rng.ascii(50)])}` : base
}

function bodyFor(rng: Rng, ids: string[]): Buffer {
  const valid = { session_id: rng.pick([...ids, randomUUID()]), message: "You've hit your limit · resets 3pm (UTC)", reset_at: Date.now() + 3_600_000 }
  const json = JSON.stringify(valid)
  const pick = rng.int(16)
  switch (pick) {
    case 0:
      return Buffer.alloc(0)
    case 1:
      return Buffer.from(json.slice(0, rng.int(json.length)))
    case 2:
      return rng.bytes(rng.int(2048))
    case 3:
      return Buffer.alloc(64 * 1024 + 1 + rng.int(64 * 1024), 0x7b)
    case 4:
      return Buffer.alloc(rng.chance(0.2) ? 2 * 1024 * 1024 : 200 * 1024, 'a')
    case 5:
      return Buffer.from('['.repeat(5000 + rng.int(50_000)) + ']'.repeat(rng.int(10)))
    case 6:
      return Buffer.from(JSON.stringify({ ...valid, extra: rng.ascii(20) }))
    case 7:
      return Buffer.from(JSON.stringify({ ...valid, session_id: rng.pick(['../x', '', 'a'.repeat(200), '\u0000', 42, null, ['x']]) }))
    case 8:
      return Buffer.from(JSON.stringify({ ...valid, reset_at: rng.pick(['soon', -1, 1e300, '2030-01-01', 'NaN', true, {}, Date.now() * 1e6, '9999-12-31T23:59:59Z']) }))
    case 9:
      return Buffer.from(JSON.stringify({ limitMessage: rng.pick(['', 'x', 12, null]), ...(rng.chance(0.5) ? { cwd: '../../' } : {}) }))
    case 10:
      return Buffer.from(`{"session_id":"${rng.pick(ids)}","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}`)
    case 11:
      return Buffer.from(JSON.stringify({ ...valid, cwd: rng.pick(['relative', '/ok/abs', '/x\u0000y', '/' + 'a'.repeat(5000)]), transcript_path: rng.pick(['../../etc/shadow', '/tmp/t.jsonl']) }))
    case 12:
      return Buffer.from('\ufeff' + json)
    case 13:
      return Buffer.from('{"a":' + '1'.repeat(rng.int(60_000)) + '}')
    case 14:
      return Buffer.from(JSON.stringify(rng.pick([null, 1, 'str', [], true, {}])))
    default:
      return Buffer.from(json)
  }
}

function headersFor(rng: Rng, token: string, port: number): Record<string, string> {
  const headers: Record<string, string> = {}
  headers.Host = rng.chance(0.8) ? `${rng.pick(GOOD_HOSTS)}${rng.chance(0.5) ? `:${port}` : ''}` : rng.pick(BAD_HOSTS.filter(h => h.trim() !== ''))
  const auth = rng.int(6)
  if (auth === 1) headers.Authorization = `Bearer ${token}`
  else if (auth === 2) headers.Authorization = `Bearer ${token.slice(0, -1)}${rng.chance(0.5) ? 'x' : ''}`
  else if (auth === 3) headers.Authorization = rng.pick(['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer  ', `bearer ${token}`, `Bearer ${token} extra`, 'Bearer ' + 'x'.repeat(4000)])
  else if (auth === 4) headers.Authorization = `Bearer ${token}`
  if (rng.chance(0.8)) headers['Content-Type'] = rng.pick(CONTENT_TYPES)
  if (rng.chance(0.1)) headers.Origin = rng.pick(['https://evil.example', 'null', `http://127.0.0.1:${port}`])
  if (rng.chance(0.1)) headers['X-Long'] = 'v'.repeat(rng.int(20_000))
  if (rng.chance(0.05)) for (let i = 0; i < 120; i++) headers[`X-Many-${i}`] = String(i)
  if (rng.chance(0.05)) headers.Expect = rng.pick(['100-continue', 'teapot'])
  return headers
}

// ---------------------------------------------------------------- node:http cases

async function httpCase(rng: Rng, port: number, token: string, ids: string[]): Promise<Outcome> {
  // Some requests get past the Host, path, method and token checks, so the body checks are reached.
  const targeted = rng.chance(0.4)
  const method = targeted ? 'POST' : rng.pick(METHODS)
  const path = targeted ? rng.pick(['/notify-limit', '/notify-limit', `/sessions/${rng.pick(ids)}/${rng.pick(['resume', 'cancel'])}`]) : pathFor(rng, ids)
  const headers: Record<string, string> = targeted
    ? { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, ...(rng.chance(0.85) ? { 'Content-Type': rng.chance(0.8) ? 'application/json' : rng.pick(CONTENT_TYPES) } : {}) }
    : headersFor(rng, token, port)
  const body = method === 'GET' || method === 'HEAD' ? (rng.chance(0.1) ? bodyFor(rng, ids) : null) : bodyFor(rng, ids)
  const chunked = body !== null && rng.chance(0.3)
  if (body && !chunked) headers['Content-Length'] = String(body.length)
  const outcome: Outcome = { kind: 'http', statuses: [] }
  await new Promise<void>(resolve => {
    let req: ReturnType<typeof httpRequest>
    try {
      req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 5_000 })
    } catch {
      // node:http refuses to send this (e.g. a path with unescaped characters): not a server case.
      resolve()
      return
    }
    let answered = false
    req.on('response', res => {
      if (res.headers['content-type'] === 'text/event-stream; charset=utf-8') {
        // An open event stream: its headers are the answer; the client leaves at once.
        answered = true
        outcome.statuses.push(res.statusCode ?? 0)
        if (res.statusCode !== 200 || res.headers['cache-control'] !== 'no-store') outcome.problem = `event stream answered ${res.statusCode} / ${res.headers['cache-control']}`
        res.on('error', () => {})
        req.destroy()
        resolve()
        return
      }
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('error', () => {})
      res.on('end', () => {
        answered = true
        outcome.statuses.push(res.statusCode ?? 0)
        outcome.problem = checkAnswer(method, res.statusCode ?? 0, String(res.headers['content-type']), res.headers['cache-control'], Buffer.concat(chunks).toString('utf8'))
        resolve()
      })
    })
    req.on('timeout', () => req.destroy(new Error('client timeout')))
    req.on('error', error => {
      // A large upload cut off by an early answer (413, 401...) may reset: fine if it was answered.
      if (!answered && !(body && body.length > 64 * 1024)) outcome.problem = `${method} ${path.slice(0, 60)}: no answer (${(error as Error).message}); body ${body?.length ?? "none"}${chunked ? " chunked" : ""}, headers ${JSON.stringify(headers).slice(0, 300)}`
      resolve()
    })
    if (body) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024), () => {})
    }
    req.end()
  })
  return outcome
}

function checkAnswer(method: string, status: number, contentType: string, cacheControl: string | undefined, text: string): string | undefined {
  if (status >= 500 || status < 200) return `status ${status}: ${text.slice(0, 200)}`
  if (cacheControl !== 'no-store') return `status ${status} without Cache-Control: no-store`
  if (method === 'HEAD') return undefined
  if (contentType.startsWith('text/plain; version=0.0.4')) return status === 200 ? undefined : `metrics type on ${status}`
  if (DASHBOARD_TYPES.has(contentType)) return status === 200 ? undefined : `dashboard file type on ${status}`
  if (contentType !== 'application/json; charset=utf-8') return `status ${status} with Content-Type ${contentType}`
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return `status ${status}: body is not JSON: ${text.slice(0, 100)}`
  }
  if (status >= 400 && typeof (json as { error?: unknown }).error !== 'string') return `status ${status}: no error message`
  return undefined
}

// ---------------------------------------------------------------- raw socket cases

function rawRequestBytes(rng: Rng, port: number, token: string, ids: string[]): Buffer {
  const host = rng.chance(0.8) ? `127.0.0.1:${port}` : rng.pick(BAD_HOSTS)
  const path = rng.chance(0.7) ? pathFor(rng, ids) : rng.pick(['/health', `/sessions/${rng.ascii(40)}`, '/sessions/\u00e9', '/a b', '/\u0000'])
  const method = rng.pick(RAW_METHODS)
  const auth = rng.chance(0.4) ? `Authorization: Bearer ${token}\r\n` : ''
  const body = bodyFor(rng, ids).subarray(0, rng.chance(0.8) ? 70 * 1024 : 3 * 1024 * 1024)
  const kind = rng.int(14)
  const head = (extra: string) => Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${auth}${extra}\r\n`, 'latin1')
  switch (kind) {
    case 0:
      return rng.bytes(1 + rng.int(4096))
    case 1:
      return Buffer.from(rng.ascii(1 + rng.int(300)) + '\r\n\r\n')
    case 2:
      // Content-Length and Transfer-Encoding together (request smuggling).
      return Buffer.concat([head(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`), body])
    case 3:
      return Buffer.concat([head(`Content-Type: application/json\r\nContent-Length: ${body.length + 1 + rng.int(1000)}\r\n`), body])
    case 4:
      return head(`X-Huge: ${'h'.repeat(17 * 1024 + rng.int(20_000))}\r\n`)
    case 5:
      return Buffer.from(`GET ${path}\r\n\r\n`)
    case 6:
      return Buffer.concat([head('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'), Buffer.from(`${rng.pick(['zz', '-1', 'fffffffffffffff', '10'])}\r\n${rng.ascii(20)}\r\n0\r\n\r\n`)])
    case 7:
      return Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-A: b\r\n'.repeat(200 + rng.int(2000))}\r\n`)
    case 8:
      return Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n`)
    case 9:
      return Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fold: a\r\n  folded\r\nX-Nul: a\u0000b\r\n\r\n`, 'latin1')
    case 10:
      // Pipelined: a good request, then garbage on the same connection.
      return Buffer.concat([Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`), rng.bytes(200)])
    case 11:
      return Buffer.from(`GET /health HTTP/${rng.pick(['2.0', '0.9', '1.2', 'x', '1.1 extra'])}\r\nHost: 127.0.0.1\r\n\r\n`)
    case 12:
      // Stops in the middle of the headers.
      return head('X-Partial: yes\r\n').subarray(0, 10 + rng.int(30))
    default:
      return Buffer.concat([head(`Content-Type: ${rng.pick(CONTENT_TYPES)}\r\nContent-Length: ${body.length}\r\nHost: second.example\r\n`), body])
  }
}

function rawCase(rng: Rng, port: number, token: string, ids: string[]): Promise<Outcome> {
  const data = rawRequestBytes(rng, port, token, ids)
  const outcome: Outcome = { kind: 'raw', statuses: [] }
  return new Promise(resolve => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let finished = false
    const done = () => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      for (const match of text.matchAll(/HTTP\/1\.1 (\d{3}) /g)) outcome.statuses.push(Number(match[1]))
      if (chunks.length > 0 && !/^HTTP\/1\.1 \d{3} /.test(text)) outcome.problem = `raw: answer is not HTTP: ${JSON.stringify(text.slice(0, 80))}`
      const bad = outcome.statuses.find(s => s >= 500)
      if (bad) outcome.problem = `raw: status ${bad}: ${JSON.stringify(text.slice(0, 300))}`
      const first = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(text)
      if (first && Number(first[1]) >= 400 && !/content-type: application\/json; charset=utf-8/i.test(first[2]!)) {
        outcome.problem = `raw: error without a JSON body: ${JSON.stringify(text.slice(0, 300))}`
      }
      resolve(outcome)
    }
    let timer = setTimeout(done, RAW_WAIT_MS)
    socket.on('data', c => {
      chunks.push(c)
      // An answer has come: the rest of it, if any, follows at once (kept-alive sockets stay open).
      clearTimeout(timer)
      timer = setTimeout(done, RAW_IDLE_MS)
    })
    socket.on('close', done)
    socket.on('error', () => done())
    socket.write(data, () => {})
    // Half the time the client says it has sent everything; else it just waits.
    if (rng.chance(0.5)) socket.end()
  })
}

// ---------------------------------------------------------------- files

function walk(root: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const full = join(root, entry.name)
    if (entry.isDirectory()) out.push(...walk(full))
    else out.push(full)
  }
  return out
}

/** Every file and folder under `dir` except `home`, with size, mode, mtime and content hash. */
function snapshotOutside(dir: string, home: string): Record<string, string> {
  const snap: Record<string, string> = {}
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (full === home) continue
      const st = lstatSync(full)
      const hash = entry.isFile() ? createHash('sha256').update(readFileSync(full)).digest('hex') : ''
      snap[relative(dir, full)] = `${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${hash}`
      if (entry.isDirectory()) visit(full)
    }
  }
  visit(dir)
  return snap
}
