// The status line as Claude Code runs it: `node dist/hooks/statusline.cjs` as a real process, the
// status-line JSON on stdin, one line expected on stdout, exit 0 whatever happens.
// Needs dist/ built (`npm test` builds; or `node scripts/build.mjs --keep`).
import t from 'tap'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bundle = fileURLToPath(new URL('../../dist/hooks/statusline.cjs', import.meta.url))

/**
 * Verbatim status-line JSON from Claude Code 2.1.331 (interactive, under tmux, OAuth) after one
 * turn against scripts/fake-anthropic-api.ts answering with usage headers 5h 0.42 / 7d 0.1;
 * recorded 2026-11-25. The first status line of a session (before any answer) is the same
 * without `rate_limits` and `prompt_cache`.
 */
const RECORDED = {
  session_id: '48e5dceb-a6d8-47f0-a120-86ebd2f6d87f',
  transcript_path: '/tmp/ssr-claude-rNf8Ft/home/.claude/projects/-tmp-ssr-claude-rNf8Ft-project/48e5dceb-a6d8-47f0-a120-86ebd2f6d87f.jsonl',
  cwd: '/tmp/ssr-claude-rNf8Ft/project',
  prompt_id: 'dd182334-88c8-487c-8258-3d0bbdb3ed4b',
  effort: { level: 'medium' },
  model: { id: 'claude-sonnet-5-5', display_name: 'Sonnet 5.5' },
  workspace: { current_dir: '/tmp/ssr-claude-rNf8Ft/project', project_dir: '/tmp/ssr-claude-rNf8Ft/project', added_dirs: [] },
  version: '2.1.331',
  output_style: { name: 'default' },
  cost: { total_cost_usd: 5.9999999999999995e-5, total_duration_ms: 3610, total_api_duration_ms: 180, total_lines_added: 0, total_lines_removed: 0 },
  context_window: {
    total_input_tokens: 10, total_output_tokens: 4, context_window_size: 1000000,
    current_usage: { input_tokens: 10, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    used_percentage: 0, remaining_percentage: 100,
  },
  exceeds_200k_tokens: false,
  prompt_cache: {
    warm: false, caching_observed: false, ttl: '1h', expires_at: null, requests: 1, misses: 0, expected_rebuilds: 0, hit_ratio: 0,
    cache_write_tokens: 0, miss_recache_tokens: 0, last_miss_at: null, last_miss_cause: null, miss_causes: {}, recache_tokens_if_cold: 10,
  },
  fast_mode: false,
  thinking: { enabled: true },
  rate_limits: { five_hour: { used_percentage: 42, resets_at: 1795584744 }, seven_day: { used_percentage: 10, resets_at: 1795667544 } },
}

/** RECORDED as seen from another project folder (the recorded paths are long gone). */
function recordedIn(project: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...RECORDED, cwd: project, workspace: { current_dir: project, project_dir: project, added_dirs: [] }, ...changes }
}

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

function runStatusline(input: string | Buffer | null, env: Record<string, string>, { closeStdin = true } = {}): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }))
    child.stdin.on('error', () => {})
    if (input !== null) child.stdin.write(input)
    if (closeStdin) child.stdin.end()
  })
}

const ISO_5H = new Date(1795584744 * 1000).toISOString()
const ISO_7D = new Date(1795667544 * 1000).toISOString()

t.before(() => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node scripts/build.mjs --keep`)
})

t.test('the bundle requires only node: built-ins', async t => {
  const source = readFileSync(bundle, 'utf8')
  const required = [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map(m => m[1])
  t.ok(required.length > 0)
  t.same(required.filter(r => !r!.startsWith('node:')), [], `requires: ${[...new Set(required)].join(', ')}`)
})

t.test('recorded status-line JSON: usage.json written exactly, mode 0600, one line printed', async t => {
  const root = t.testdir({ project: {} })
  const home = join(root, 'home') // does not exist yet: created 0700
  const run = await runStatusline(JSON.stringify(recordedIn(join(root, 'project'))), { SESSION_RETRY_HOME: home })
  t.equal(run.code, 0)
  t.equal(run.stdout, '5h 42% · 7d 10%\n')
  t.equal(run.stderr, '')
  const file = join(home, 'usage.json')
  t.equal(statSync(file).mode & 0o777, 0o600, 'usage.json is 0600')
  t.equal(statSync(home).mode & 0o777, 0o700, 'the home it created is 0700')
  const usage = JSON.parse(readFileSync(file, 'utf8'))
  t.same(usage, {
    schema: 1,
    source: 'statusline',
    updatedAt: usage.updatedAt,
    fiveHour: { usedPercentage: 42, resetsAt: ISO_5H },
    sevenDay: { usedPercentage: 10, resetsAt: ISO_7D },
    sessionId: RECORDED.session_id,
  })
  t.ok(Math.abs(Date.parse(usage.updatedAt) - Date.now()) < 60_000, 'updatedAt is now')
  t.same(readdirSync(home), ['usage.json'], 'no temp file left behind')
  t.comment(`one status line run took ${run.ms} ms`)
})

t.test('a later turn replaces the figures; a status line without rate_limits shows the last ones', async t => {
  const root = t.testdir({ home: {}, project: {} })
  const home = join(root, 'home')
  const project = join(root, 'project')
  const future = Math.floor(Date.now() / 1000) + 3600
  const later = recordedIn(project, {
    rate_limits: { five_hour: { used_percentage: 57.6, resets_at: future }, seven_day: { used_percentage: 11, resets_at: future + 86400 } },
  })
  t.equal((await runStatusline(JSON.stringify(later), { SESSION_RETRY_HOME: home })).stdout, '5h 58% · 7d 11%\n')
  const written = readFileSync(join(home, 'usage.json'), 'utf8')
  t.match(JSON.parse(written), { fiveHour: { usedPercentage: 57.6 }, sevenDay: { usedPercentage: 11 } })

  const { rate_limits: _, prompt_cache: __, ...first } = recordedIn(project)
  const run = await runStatusline(JSON.stringify(first), { SESSION_RETRY_HOME: home })
  t.equal(run.stdout, '5h 58% · 7d 11%\n', 'the recorded figures, still current')
  t.equal(readFileSync(join(home, 'usage.json'), 'utf8'), written, 'usage.json untouched')
})

/** `15:04`, or `Wed 15:04` when `at` falls on another UTC day than now (TZ=UTC in the child). */
function utcClock(at: number): string {
  const d = new Date(at)
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
  const today = new Date().toISOString().slice(0, 10)
  return d.toISOString().slice(0, 10) === today ? hhmm : `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${hhmm}`
}

t.test('a waiting session of this project: when it resumes', async t => {
  const root = t.testdir({ home: { sessions: {} }, project: {}, other: {} })
  const home = join(root, 'home')
  const project = join(root, 'project')
  const retryAt = Date.now() + (72 * 60 + 30) * 1000 // 1 h 12 min 30 s ahead
  const schedule = (entries: unknown[]) =>
    writeFileSync(join(home, 'sessions', 'resume_schedule.json'), JSON.stringify({ updatedAt: new Date().toISOString(), schedules: entries }))
  const entry = (sessionId: string, cwd: string, state: string, at: number | null) => ({
    sessionId, state, retryAt: at === null ? null : new Date(at).toISOString(), reason: 'banner', attempt: 1, cwd, limitKind: 'five_hour', resetAt: null,
  })
  const input = JSON.stringify(recordedIn(project))

  schedule([entry('s-other', join(root, 'other'), 'scheduled', retryAt - 600_000), entry('s-here', project, 'scheduled', retryAt)])
  let run = await runStatusline(input, { SESSION_RETRY_HOME: home })
  t.equal(run.code, 0)
  t.equal(run.stdout, `5h 42% · 7d 10% · resumes ${utcClock(retryAt)} (in 1h 12m)\n`, 'only this project’s session')

  schedule([entry('s-here', `${project}/`, 'scheduled', retryAt), entry('s-two', project, 'limited', null)])
  run = await runStatusline(input, { SESSION_RETRY_HOME: home })
  t.equal(run.stdout, `5h 42% · 7d 10% · resumes ${utcClock(retryAt)} (in 1h 12m), +1 more\n`)

  schedule([entry('s-here', project, 'resuming', retryAt - 3_600_000)])
  run = await runStatusline(input, { SESSION_RETRY_HOME: home })
  t.equal(run.stdout, '5h 42% · 7d 10% · resuming now\n')

  schedule([entry('s-other', join(root, 'other'), 'scheduled', retryAt)])
  run = await runStatusline(input, { SESSION_RETRY_HOME: home })
  t.equal(run.stdout, '5h 42% · 7d 10%\n', 'another project’s session is not shown')

  writeFileSync(join(home, 'sessions', 'resume_schedule.json'), '{"schedules": [nope')
  run = await runStatusline(input, { SESSION_RETRY_HOME: home })
  t.equal(run.stdout, '5h 42% · 7d 10%\n', 'a corrupt schedule file is ignored')
})

t.test('bad stdin: one sensible line, exit 0, no stack, nothing written', async t => {
  const cases: Array<[string, string | Buffer | null]> = [
    ['empty', ''],
    ['not JSON', 'garbage{'],
    ['a JSON array', '[1,2,3]'],
    ['rate_limits of the wrong type', JSON.stringify({ rate_limits: 'lots' })],
    ['percentages that are not numbers', JSON.stringify({ rate_limits: { five_hour: { used_percentage: '42' }, seven_day: { used_percentage: -5 } } })],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])],
    ['oversized (300 KB)', JSON.stringify({ ...RECORDED, padding: 'x'.repeat(300 * 1024) })],
  ]
  for (const [name, input] of cases) {
    const home = join(t.testdir({}), 'home')
    const run = await runStatusline(input, { SESSION_RETRY_HOME: home })
    t.equal(run.code, 0, `${name}: exit 0`)
    t.equal(run.stdout, 'session-retry: no usage\n', `${name}: one line`)
    t.equal(run.stderr, '', `${name}: nothing on stderr`)
    t.notOk(existsSync(join(home, 'usage.json')), `${name}: no usage.json`)
  }
})

t.test('stdin left open: the line comes after STDIN_TIMEOUT_MS; the process ends, 0, once stdin closes', async t => {
  const home = join(t.testdir({}), 'home')
  const started = Date.now()
  const child = spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SESSION_RETRY_HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  const closed = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  const printed = new Promise<number>(resolve => child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; resolve(Date.now() - started) }))
  child.stdin.write('{"rate_limits": ')
  const ms = await printed
  t.equal(stdout, 'session-retry: no usage\n')
  t.ok(ms >= 1900 && ms < 10_000, `printed after ${ms} ms (STDIN_TIMEOUT_MS is 2000)`)
  child.stdin.end()
  t.equal(await closed, 0)
})

t.test('unwritable home: exit 0, one line that says the figure was not saved', async t => {
  const root = t.testdir({ 'a-file': 'not a folder', home: { 'usage.json': {} } })
  const input = JSON.stringify(recordedIn(root))

  let run = await runStatusline(input, { SESSION_RETRY_HOME: join(root, 'a-file', 'home') })
  t.equal(run.code, 0)
  t.equal(run.stdout, '5h 42% · 7d 10% (usage not saved: ENOTDIR)\n')
  t.equal(run.stderr, '')

  // usage.json is a folder: the rename fails, the temp file is removed
  run = await runStatusline(input, { SESSION_RETRY_HOME: join(root, 'home') })
  t.equal(run.code, 0)
  t.match(run.stdout, /^5h 42% · 7d 10% \(usage not saved: E[A-Z]+\)\n$/)
  t.same(readdirSync(join(root, 'home')), ['usage.json'], 'no temp file left behind')

  // mkdir answers ENOENT with the parent present; Node's recursive mkdir would spin here
  run = await runStatusline(input, { SESSION_RETRY_HOME: '/proc/session-retry-test/home' })
  t.equal(run.code, 0)
  t.equal(run.stdout, '5h 42% · 7d 10% (usage not saved: ENOENT)\n')

  if (process.getuid?.() === 0) {
    t.comment('running as root: permission bits do not stop writes, the read-only folder case is skipped')
  } else {
    const locked = join(root, 'locked')
    mkdirSync(locked, { mode: 0o500 })
    t.teardown(() => chmodSync(locked, 0o700))
    run = await runStatusline(input, { SESSION_RETRY_HOME: locked })
    t.equal(run.code, 0)
    t.equal(run.stdout, '5h 42% · 7d 10% (usage not saved: EACCES)\n')
  }
})

t.test('home from HOME when SESSION_RETRY_HOME is unset: ~/.devflow', async t => {
  const root = t.testdir({})
  const run = await runStatusline(JSON.stringify(recordedIn(root)), { HOME: root })
  t.equal(run.stdout, '5h 42% · 7d 10%\n')
  t.match(JSON.parse(readFileSync(join(root, '.devflow', 'usage.json'), 'utf8')), { fiveHour: { usedPercentage: 42 } })
})
