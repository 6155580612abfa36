// What does the hook cost Claude Code? Measured side by side, interleaved, in one run:
//   a. `node -e 0`: one bare Node start, the unit everything else is compared with
//   b. stage 1 as Claude Code runs it (`sh -c "trap '' TERM HUP INT; ssr_root=…; . …/record-event.sh"`
//      with a Stop payload on stdin) until it exits: the only part Claude Code waits for
//   c. spawn of stage 1 until the journal line exists (includes the detached stage 2 Node process)
//   d. stage 2 alone (`node dist/hooks/journal-event.cjs --home <tmp>`) on an empty spool
//   e. a real `claude -p "say hi"` turn (native 2.1.331 binary, fake API on 127.0.0.1) with the
//      plugin loaded (`--plugin-dir` <the packed package, unpacked>: four blocking hook events) and its supervisor running,
//      against the same turn without, with a no-op plugin (the same events bound to `true`: the
//      floor), with the plugin and no supervisor running (stage 2 on every event), and with the
//      plugin but SESSION_RETRY_ENABLED=false; with BENCH_BASELINE, the baseline build's plugin too;
//      wall time, plus CPU time from GNU time where there is one (less sensitive to a busy machine)
//      Then `claude --debug` runs (with / disabled) give each hook's duration as Claude Code logs it.
// Goals: b/a ≤ 1.15 (far below 1 in practice); e: the plugin with its supervisor running costs a
// turn at most 0.3 bare Node starts over the no-op floor.
//
// Usage: npm run bench   (or, with dist/ built: node bench/hook-startup.bench.mjs [--quick])
// Env: BENCH_N (40; 8 with --quick), BENCH_CLAUDE_N (15; 1 with --quick, no warm-up), BENCH_DEBUG_N (8; 1),
// BENCH_SKIP_CLAUDE=1.
// NODE_EXTRA_CA_CERTS (≈85 ms per Node start on the reference machine), NODE_OPTIONS and
// NODE_V8_COVERAGE are removed from every process this bench starts.
// Output: a table, then a `summary:` block of `key: value` lines (quoted by the README and a test).
import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, watch, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakeApi } from './fake-api.mjs'

const ROOT = realpathSync(fileURLToPath(new URL('..', import.meta.url)))
const STAGE2 = join(ROOT, 'dist', 'hooks', 'journal-event.cjs')
const CLAUDE = join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe')
const QUICK = process.argv.includes('--quick')
const N = Number(process.env.BENCH_N ?? (QUICK ? 8 : 40))
const WARMUP = QUICK ? 2 : 5
const N_CLAUDE = Number(process.env.BENCH_CLAUDE_N ?? (QUICK ? 1 : 15))
const WARMUP_CLAUDE = QUICK ? 0 : 2
const N_DEBUG = Number(process.env.BENCH_DEBUG_N ?? (QUICK ? 1 : 8))
/** Pause between two measurements, so a detached stage 2 or an exiting CLI never overlaps the next. */
const SETTLE_MS = 15

const STRIPPED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_V8_COVERAGE']
const strippedFromParent = STRIPPED.filter((k) => process.env[k] !== undefined)
for (const k of STRIPPED) delete process.env[k]
/** The same `node` as this process first on PATH: stage 1 starts stage 2 as plain `node`. */
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`

// ---------------------------------------------------------------- statistics

function quantile(xs, q) {
  const s = [...xs].sort((x, y) => x - y)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}
const stats = (xs) => ({ n: xs.length, median: quantile(xs, 0.5), p10: quantile(xs, 0.1), p90: quantile(xs, 0.9) })
const f1 = (x) => x.toFixed(1)
const f2 = (x) => x.toFixed(2)

// ---------------------------------------------------------------- a-d: processes

function payload(event, sessionId, cwd) {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: join(cwd, '.claude', 'projects', '-bench-app', `${sessionId}.jsonl`),
    cwd,
    prompt_id: randomUUID(),
    permission_mode: 'default',
    effort: { level: 'medium' },
    hook_event_name: event,
    stop_hook_active: false,
    last_assistant_message: 'Done: the module is refactored and all tests pass.',
    background_tasks: [],
    session_crons: [],
  })
}

/** Wall time from spawn until the process has exited and its pipes are closed. */
function timeProcess(file, args, { env, input = '', cwd }) {
  const start = performance.now()
  const r = spawnSync(file, args, { env, input, cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  const ms = performance.now() - start
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`)
  if (r.stdout.length > 0 && file === '/bin/sh') throw new Error(`the hook printed on stdout: ${r.stdout}`)
  return { ms, start }
}

function hasLine(path) {
  try {
    const text = readFileSync(path, 'utf8')
    return text.endsWith('\n')
  } catch {
    return false
  }
}

/** Resolves with performance.now() when `dir/name` holds a complete line (fs.watch, 2 ms poll as a backstop). */
function lineArrival(dir, name, timeoutMs = 10_000) {
  const path = join(dir, name)
  let watcher
  let resolveIt
  let rejectIt
  const arrived = new Promise((resolve, reject) => { resolveIt = resolve; rejectIt = reject })
  let settled = false
  const finish = (err) => {
    if (settled) return
    settled = true
    const at = performance.now()
    watcher?.close()
    clearInterval(poll)
    clearTimeout(deadline)
    err ? rejectIt(err) : resolveIt(at)
  }
  const check = () => { if (!settled && hasLine(path)) finish() }
  try { watcher = watch(dir, check) } catch { /* no folder yet: the poll still sees the file */ }
  const poll = setInterval(check, 2)
  const deadline = setTimeout(() => finish(new Error(`no journal line in ${path} after ${timeoutMs} ms`)), timeoutMs)
  return { check, arrived }
}

async function spoolDrained(home, timeoutMs = 10_000) {
  const spool = join(home, 'sessions', 'spool')
  const deadline = Date.now() + timeoutMs
  while (existsSync(spool) && readdirSync(spool).length > 0) {
    if (Date.now() > deadline) throw new Error(`spool ${spool} not drained after ${timeoutMs} ms: ${readdirSync(spool).join(', ')}`)
    await sleep(2)
  }
}

function hookCommand() {
  return `trap '' TERM HUP INT; ssr_root="${ROOT}"; . "$ssr_root/hooks/record-event.sh"`
}

function makeHome(label) {
  const home = realpathSync(mkdtempSync(join(tmpdir(), `ssr-bench-${label}-`)))
  return home
}

async function processBench(tempDirs) {
  const homes = { a: makeHome('node'), b: makeHome('stage1'), c: makeHome('journal'), d: makeHome('stage2') }
  tempDirs.push(...Object.values(homes))
  mkdirSync(join(homes.d, 'sessions', 'spool'), { recursive: true, mode: 0o700 })
  const envFor = (home) => ({ PATH, HOME: home, SESSION_RETRY_HOME: home })

  const variants = {
    a: async () => timeProcess(process.execPath, ['-e', '0'], { env: envFor(homes.a), cwd: homes.a }).ms,
    b: async () => {
      const id = randomUUID()
      const { ms } = timeProcess('/bin/sh', ['-c', hookCommand()], { env: envFor(homes.b), cwd: homes.b, input: payload('Stop', id, homes.b) })
      // Not timed: the line must still arrive, and stage 2 must be gone before the next measurement.
      const events = join(homes.b, 'sessions', 'events')
      mkdirSync(events, { recursive: true, mode: 0o700 })
      const { check, arrived } = lineArrival(events, `${id}.jsonl`)
      check()
      await arrived
      await spoolDrained(homes.b)
      return ms
    },
    c: async () => {
      const id = randomUUID()
      const events = join(homes.c, 'sessions', 'events')
      mkdirSync(events, { recursive: true, mode: 0o700 }) // exists after the first event anyway
      const { check, arrived } = lineArrival(events, `${id}.jsonl`) // watch armed before the clock starts
      const { start } = timeProcess('/bin/sh', ['-c', hookCommand()], { env: envFor(homes.c), cwd: homes.c, input: payload('Stop', id, homes.c) })
      check()
      const at = await arrived
      await spoolDrained(homes.c)
      return at - start
    },
    d: async () => timeProcess(process.execPath, [STAGE2, '--home', homes.d], { env: envFor(homes.d), cwd: homes.d }).ms,
  }
  const keys = Object.keys(variants)
  const times = Object.fromEntries(keys.map((k) => [k, []]))
  for (let round = -WARMUP; round < N; round++) {
    // Rotate the order each round, so no variant always runs right after the same neighbour.
    const order = keys.map((_, i) => keys[(i + round + WARMUP) % keys.length])
    for (const k of order) {
      const ms = await variants[k]()
      if (round >= 0) times[k].push(ms)
      await sleep(SETTLE_MS)
    }
  }
  const journalled = readdirSync(join(homes.c, 'sessions', 'events')).length
  if (journalled !== N + WARMUP) throw new Error(`variant c journalled ${journalled} sessions, expected ${N + WARMUP}`)
  for (const home of [homes.b, homes.c]) {
    const quarantine = join(home, 'sessions', 'quarantine')
    if (existsSync(quarantine) && readdirSync(quarantine).length > 0) throw new Error(`stage 2 quarantined a benchmark payload in ${home}`)
  }
  return times
}

// ---------------------------------------------------------------- e: the real CLI

function claudeUsable() {
  if (process.env.BENCH_SKIP_CLAUDE === '1') return 'BENCH_SKIP_CLAUDE=1'
  try {
    if (statSync(CLAUDE).size < 4096) return `${CLAUDE} is the placeholder (postinstall did not run)`
  } catch {
    return `${CLAUDE} not found`
  }
  return null
}

/** A throw-away HOME with onboarding done and the project trusted (test/helpers/claude-cli.ts makeSandbox). */
function makeSandbox(apiUrl, label, tempDirs) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `ssr-bench-claude-${label}-`)))
  tempDirs.push(root)
  const home = join(root, 'home')
  const cwd = join(root, 'project')
  mkdirSync(join(home, '.claude'), { recursive: true })
  mkdirSync(cwd, { recursive: true })
  writeFileSync(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.331',
    theme: 'dark',
    autoUpdates: false,
    projects: { [cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  }, null, 2) + '\n')
  // sandboxEnv in test/helpers/claude-cli.ts: nothing else from this environment leaks in.
  const env = { PATH }
  for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TERM']) {
    if (process.env[k] !== undefined) env[k] = process.env[k]
  }
  Object.assign(env, {
    HOME: home,
    TZ: 'UTC',
    ANTHROPIC_BASE_URL: apiUrl,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '2',
    NO_COLOR: '1',
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-fake-token-for-benchmarks',
  })
  return { root, home, cwd, env, journalHome: join(home, '.devflow') }
}

/**
 * GNU time, when there is one: the CPU time (user + system) of the CLI and of the hook processes it
 * waited for, from wait4(). Less sensitive to a busy machine than wall time; the detached
 * stage 2 is not included (its cost is variant d). Precision 10 ms per run.
 */
const GNU_TIME = (() => {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'true'], { encoding: 'utf8' })
  return r.status === 0 && /^\d+\.\d+ \d+\.\d+\s*$/.test(r.stderr) ? '/usr/bin/time' : null
})()

/** Wall time from spawn until the CLI exits (what a user waits for), and its CPU time if known. */
function timeClaude(sb, args) {
  return new Promise((resolve, reject) => {
    const cpuFile = join(sb.root, 'cpu.txt')
    const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, CLAUDE, ...args]] : [CLAUDE, args]
    const start = performance.now()
    let exitedAt = 0
    let stdout = ''
    let stderr = ''
    const child = spawn(file, argv, { cwd: sb.cwd, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d })
    child.on('exit', () => { exitedAt = performance.now() })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0 || !stdout.includes('Hello from the fake API')) {
        reject(new Error(`claude ${args.join(' ')} exited ${code ?? signal}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
        return
      }
      let cpu = null
      if (GNU_TIME) {
        const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number)
        cpu = (user + system) * 1000
      }
      resolve({ wall: exitedAt - start, cpu })
    })
  })
}

/** BENCH_BASELINE: another built checkout; its plugin runs as "before" (with its own supervisor). */
const BASELINE = (() => {
  const dir = process.env.BENCH_BASELINE
  if (!dir) return null
  const root = realpathSync(dir)
  if (!existsSync(join(root, 'dist', 'hooks', 'journal-event.cjs'))) throw new Error(`BENCH_BASELINE=${dir} is not built (no dist/hooks/journal-event.cjs)`)
  return root
})()

/** A plugin that binds the same events as ours to `true`: the floor any hook plugin costs a turn. */
function noopPlugin(tempDirs) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-noop-plugin-')))
  tempDirs.push(dir)
  mkdirSync(join(dir, '.claude-plugin'))
  mkdirSync(join(dir, 'hooks'))
  writeFileSync(join(dir, '.claude-plugin', 'plugin.json'), JSON.stringify({ name: 'noop-hooks', version: '0.0.0', description: 'every hook event bound to true' }))
  const ours = JSON.parse(readFileSync(join(ROOT, 'hooks', 'hooks.json'), 'utf8')).hooks
  const hooks = Object.fromEntries(Object.keys(ours).map((event) => [event, [{ hooks: [{ type: 'command', command: 'true', timeout: 10 }] }]]))
  writeFileSync(join(dir, 'hooks', 'hooks.json'), JSON.stringify({ description: 'no-op hooks', hooks }))
  return dir
}

/**
 * The plugin as users have it: the packed package, unpacked (`npm pack`, as the registry and
 * `claude plugin install` deliver it), not the checkout, whose node_modules Claude Code would
 * walk through on every start when given the checkout as its plugin folder.
 */
function installedPlugin(root, tempDirs) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-plugin-')))
  tempDirs.push(dir)
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })
  const tarball = packed.stdout.trim().split('\n').at(-1)
  if (packed.status !== 0 || !tarball) throw new Error(`npm pack in ${root} failed: ${packed.stderr}`)
  const unpacked = spawnSync('tar', ['-xzf', join(dir, tarball), '-C', dir], { encoding: 'utf8' })
  if (unpacked.status !== 0) throw new Error(`cannot unpack ${tarball}: ${unpacked.stderr}`)
  return join(dir, 'package')
}

/** A supervisor for a sandbox's home, as a user who installed the plugin has one running. */
async function startSandboxSupervisor(root, sb) {
  const env = { ...sb.env, SESSION_RETRY_HOME: sb.journalHome, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'supervisor', 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise((resolve) => child.on('exit', resolve))
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`supervisor for ${sb.root} not ready:\n${output}`)), 60_000)
    const onData = (d) => {
      output += d
      if (output.includes('supervisor: ready')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    exited.then(() => reject(new Error(`supervisor for ${sb.root} exited:\n${output}`)))
  })
  return async () => {
    child.kill('SIGTERM')
    await exited
  }
}

/**
 * Runs of the same turn, interleaved in rotating order:
 * - without: no plugin
 * - noop: a plugin binding the same events to `true`: the floor of any hook plugin
 * - with: `--plugin-dir <the packed package, unpacked>`, the product as shipped, with its supervisor running (the usual
 *   case: stage 1 writes the spool file and exits, the supervisor promotes it)
 * - nosup: the same with no supervisor running (autostart off): stage 1 starts stage 2 on every
 *   event, which is what every event cost before stage 1 learned to leave the spool to a supervisor
 * - disabled: the plugin with SESSION_RETRY_ENABLED=false, so each hook command sources
 *   record-event.sh and exits at its first test
 * - before (with BENCH_BASELINE): the baseline build's plugin, its own supervisor running
 * Autostart is off everywhere, so no run leaves a supervisor behind.
 */
async function claudeBench(tempDirs) {
  const api = await startFakeApi()
  const stops = []
  try {
    const sandboxes = {
      without: makeSandbox(api.url, 'without', tempDirs),
      noop: makeSandbox(api.url, 'noop', tempDirs),
      with: makeSandbox(api.url, 'with', tempDirs),
      nosup: makeSandbox(api.url, 'nosup', tempDirs),
      disabled: makeSandbox(api.url, 'disabled', tempDirs),
      ...(BASELINE ? { before: makeSandbox(api.url, 'before', tempDirs) } : {}),
    }
    for (const sb of Object.values(sandboxes)) sb.env.SESSION_RETRY_AUTOSTART = 'false'
    sandboxes.disabled.env.SESSION_RETRY_ENABLED = 'false'
    const ours = installedPlugin(ROOT, tempDirs)
    const pluginArgs = { without: [], noop: ['--plugin-dir', noopPlugin(tempDirs)], with: ['--plugin-dir', ours], nosup: ['--plugin-dir', ours], disabled: ['--plugin-dir', ours], ...(BASELINE ? { before: ['--plugin-dir', installedPlugin(BASELINE, tempDirs)] } : {}) }
    stops.push(await startSandboxSupervisor(ROOT, sandboxes.with))
    if (BASELINE) stops.push(await startSandboxSupervisor(BASELINE, sandboxes.before))
    const journalled = ['with', 'nosup', 'before']
    const keys = Object.keys(sandboxes)
    const times = Object.fromEntries(keys.map((k) => [k, []]))
    const cpu = Object.fromEntries(keys.map((k) => [k, []]))
    const sessions = []
    for (let round = -WARMUP_CLAUDE; round < N_CLAUDE; round++) {
      const order = keys.map((_, i) => keys[(i + round + WARMUP_CLAUDE) % keys.length])
      for (const k of order) {
        const id = randomUUID()
        const ms = await timeClaude(sandboxes[k], [...pluginArgs[k], '--session-id', id, '-p', 'say hi'])
        if (round >= 0) {
          times[k].push(ms.wall)
          if (ms.cpu !== null) cpu[k].push(ms.cpu)
        }
        if (k === 'with') sessions.push(id)
        // Promoted (by the supervisor or by stage 2) before the next run starts.
        if (journalled.includes(k)) await spoolDrained(sandboxes[k].journalHome)
        await sleep(SETTLE_MS * 2)
      }
    }
    const hookDurations = await debugHookDurations(sandboxes, pluginArgs)
    // Proof that the plugin really ran: four events per session reached the journal.
    const events = join(sandboxes.with.journalHome, 'sessions', 'events')
    const lines = (id) => {
      try {
        return readFileSync(join(events, `${id}.jsonl`), 'utf8').trim().split('\n').length
      } catch {
        return 0
      }
    }
    const deadline = Date.now() + 5000
    let complete = 0
    while ((complete = sessions.filter((id) => lines(id) === 4).length) < sessions.length && Date.now() < deadline) await sleep(20)
    for (const k of ['without', 'noop', 'disabled']) {
      if (existsSync(sandboxes[k].journalHome)) throw new Error(`the run "${k}" wrote a journal`)
    }
    return { times, cpu: GNU_TIME ? cpu : null, journalled: `${complete}/${sessions.length}`, hookDurations }
  } finally {
    for (const stop of stops) await stop()
    await api.close()
  }
}

/**
 * How long each hook took as Claude Code itself sees it: `claude --debug` logs, per hook,
 * `Hooks: Stop [<command>] (plugin <name>) finished with status 0 (7ms)` (2.1.331; SessionEnd is
 * logged without a duration). Runs `with` and `disabled` N_DEBUG times each, interleaved, and
 * returns { with: { Event: [ms…] }, disabled: {…} }, or null when the log format is not found.
 */
async function debugHookDurations(sandboxes, pluginArgs) {
  const keys = ['with', 'disabled']
  const found = { with: {}, disabled: {} }
  for (let round = 0; round < N_DEBUG; round++) {
    for (const k of round % 2 === 0 ? keys : [...keys].reverse()) {
      const id = randomUUID()
      await timeClaude(sandboxes[k], [...pluginArgs[k], '--debug', '--session-id', id, '-p', 'say hi'])
      if (k === 'with') await spoolDrained(sandboxes.with.journalHome)
      let log = ''
      try {
        log = readFileSync(join(sandboxes[k].home, '.claude', 'debug', `${id}.txt`), 'utf8')
      } catch { /* no debug log: reported as not available */ }
      for (const m of log.matchAll(/Hooks: (\w+)(?::\w+)? \[.*\] \(plugin smart-session-retry@[^)]*\) finished with status \d+ \((\d+)ms\)/g)) {
        (found[k][m[1]] ??= []).push(Number(m[2]))
      }
      await sleep(SETTLE_MS * 2)
    }
  }
  return Object.keys(found.with).length > 0 && Object.keys(found.disabled).length > 0 ? found : null
}

/** Deterministic PRNG (mulberry32), so two runs on the same samples print the same interval. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Median of the per-round differences xs[i] − ys[i] (one round runs every variant back to back,
 *  so load that drifts over the run cancels), with a 90 % bootstrap interval over the rounds. */
function pairedDiff(xs, ys, rounds = 2000) {
  const d = xs.map((x, i) => x - ys[i])
  const rand = prng(20261126)
  const meds = []
  for (let i = 0; i < rounds; i++) meds.push(quantile(d.map(() => d[Math.floor(rand() * d.length)]), 0.5))
  return { median: quantile(d, 0.5), lo: quantile(meds, 0.05), hi: quantile(meds, 0.95) }
}

/** 90 % bootstrap interval of median(xs) − median(ys). */
function medianDiffInterval(xs, ys, rounds = 2000) {
  const rand = prng(20261125)
  const resample = (v) => v.map(() => v[Math.floor(rand() * v.length)])
  const diffs = []
  for (let i = 0; i < rounds; i++) diffs.push(quantile(resample(xs), 0.5) - quantile(resample(ys), 0.5))
  return [quantile(diffs, 0.05), quantile(diffs, 0.95)]
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(STAGE2)) {
    console.error(`hook-startup bench: ${STAGE2} is missing; build first (npm run build)`)
    return 1
  }
  const load0 = loadavg()[0]
  console.log('# hook start-up benchmark')
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${f2(load0)} at start${QUICK ? ', --quick' : ''}`)
  console.log(`env: ${STRIPPED.join(', ')} unset in every measured process${strippedFromParent.length ? ` (${strippedFromParent.join(', ')} was set here)` : ''}`)
  console.log(`processes: N=${N} each after ${WARMUP} warm-up rounds, variants interleaved in rotating order; wall time spawn → exit`)
  const tempDirs = []
  try {
    const p = await processBench(tempDirs)
    const s = { a: stats(p.a), b: stats(p.b), c: stats(p.c), d: stats(p.d) }
    const unit = s.a.median
    const rows = [
      ['a', 'node -e 0 (one bare Node start)', s.a],
      ['b', 'stage 1, sh -c sourcing record-event.sh (Claude Code waits for this)', s.b],
      ['c', 'stage 1 spawn → journal line on disk (incl. detached stage 2)', s.c],
      ['d', 'stage 2 alone: node journal-event.cjs, empty spool', s.d],
    ]
    console.log('')
    console.log('| variant | what | N | median ms | p10 ms | p90 ms | median ÷ a |')
    console.log('|---|---|---|---|---|---|---|')
    for (const [k, what, st] of rows) {
      console.log(`| ${k} | ${what} | ${st.n} | ${f1(st.median)} | ${f1(st.p10)} | ${f1(st.p90)} | ${f2(st.median / unit)} |`)
    }
    const ratioB = s.b.median / unit
    console.log('')
    console.log(`b ÷ a = ${f2(ratioB)} (goal ≤ 1.15) ${ratioB <= 1.15 ? 'OK' : 'OVER'}`)
    console.log(`c ÷ a = ${f2(s.c.median / unit)}`)
    console.log(`d ÷ a = ${f2(s.d.median / unit)}`)

    const summary = {
      node_start_median_ms: f1(s.a.median),
      hook_stage1_median_ms: f1(s.b.median),
      journal_line_median_ms: f1(s.c.median),
      stage2_alone_median_ms: f1(s.d.median),
      hook_stage1_ratio: f2(ratioB),
      journal_line_ratio: f2(s.c.median / unit),
      stage2_ratio: f2(s.d.median / unit),
      process_runs_each: String(N),
    }

    const skip = claudeUsable()
    if (skip) {
      console.log(`\ne. claude -p with and without the plugin: skipped (${skip})`)
      Object.assign(summary, { claude_plugin_overhead_ms: 'skipped', claude_plugin_overhead_node_starts: 'skipped' })
    } else {
      console.log(`\ne. claude -p "say hi" (native 2.1.331, fake API on 127.0.0.1, OAuth): N=${N_CLAUDE} each after ${WARMUP_CLAUDE} warm-up rounds, interleaved in rotating order; wall time spawn → exit`)
      const c = await claudeBench(tempDirs)
      const st = Object.fromEntries(Object.entries(c.times).map(([k, xs]) => [k, stats(xs)]))
      const overhead = st.with.median - st.without.median
      const [lo, hi] = medianDiffInterval(c.times.with, c.times.without)
      const machinery = st.disabled.median - st.without.median
      const ours = st.with.median - st.disabled.median
      console.log('')
      console.log('| run | N | median ms | p10 ms | p90 ms | median − without, ms | in bare Node starts |')
      console.log('|---|---|---|---|---|---|---|')
      const row = (label, x) => {
        const d = x.median - st.without.median
        console.log(`| ${label} | ${x.n} | ${f1(x.median)} | ${f1(x.p10)} | ${f1(x.p90)} | ${f1(d)} | ${f2(d / unit)} |`)
      }
      row('without plugin', st.without)
      row('no-op plugin (the same events bound to `true`): the floor', st.noop)
      row('with plugin (--plugin-dir), supervisor running', st.with)
      row('with plugin, no supervisor running (stage 2 on every event)', st.nosup)
      row('plugin, SESSION_RETRY_ENABLED=false', st.disabled)
      if (st.before) row('before: the baseline build\'s plugin, its supervisor running', st.before)
      console.log('')
      // The goal: the product's share of a turn over the floor any hook plugin costs.
      const floor = {}
      for (const k of ['with', 'nosup', 'before'].filter((k) => st[k])) {
        const d = pairedDiff(c.times[k], c.times.noop)
        floor[k] = { median: st[k].median - st.noop.median, paired: d }
        console.log(`over the no-op floor, ${k === 'with' ? 'supervisor running' : k === 'nosup' ? 'no supervisor running' : 'before (baseline build)'}: ${f1(floor[k].median)} ms = ${f2(floor[k].median / unit)} bare Node starts per turn (paired ${f1(d.median)} ms = ${f2(d.median / unit)}, 90% bootstrap interval ${f1(d.lo)} … ${f1(d.hi)} ms)${k === 'with' ? ` (goal ≤ 0.3) ${d.median / unit <= 0.3 ? 'OK' : 'OVER'}` : ''}`)
      }
      console.log('')
      console.log(`plugin overhead (with − without): ${f1(overhead)} ms = ${f2(overhead / unit)} bare Node starts (goal < 1) ${overhead / unit < 1 ? 'OK' : 'OVER'}; 90% bootstrap interval ${f1(lo)} … ${f1(hi)} ms`)
      const paired = pairedDiff(c.times.with, c.times.without)
      const pairedMachinery = pairedDiff(c.times.disabled, c.times.without)
      const pairedOurs = pairedDiff(c.times.with, c.times.disabled)
      console.log(`  paired (median of per-round differences): ${f1(paired.median)} ms = ${f2(paired.median / unit)} bare Node starts; 90% bootstrap interval ${f1(paired.lo)} … ${f1(paired.hi)} ms`)
      console.log(`  of which Claude Code loading the plugin and running 4 hook commands that exit at once (disabled − without): ${f1(machinery)} ms (paired ${f1(pairedMachinery.median)}, ${f1(pairedMachinery.lo)} … ${f1(pairedMachinery.hi)})`)
      console.log(`  and our two stages (with − disabled): ${f1(ours)} ms (paired ${f1(pairedOurs.median)}, ${f1(pairedOurs.lo)} … ${f1(pairedOurs.hi)}) = ${f2(ours / unit)} bare Node starts`)
      const cpuSummary = {}
      if (c.cpu) {
        const cs = Object.fromEntries(Object.entries(c.cpu).map(([k, xs]) => [k, stats(xs)]))
        console.log('')
        console.log('CPU time (user + system) of the CLI and the hook processes it waited for (GNU time; detached stage 2 not included):')
        console.log('| run | N | median ms | p10 ms | p90 ms | median − without, ms |')
        console.log('|---|---|---|---|---|---|')
        for (const [label, k] of [['without plugin', 'without'], ['no-op plugin', 'noop'], ['with plugin, supervisor running', 'with'], ['with plugin, no supervisor', 'nosup'], ['plugin, SESSION_RETRY_ENABLED=false', 'disabled'], ['before (baseline build)', 'before']].filter(([, k]) => cs[k])) {
          const x = cs[k]
          console.log(`| ${label} | ${x.n} | ${f1(x.median)} | ${f1(x.p10)} | ${f1(x.p90)} | ${f1(x.median - cs.without.median)} |`)
        }
        Object.assign(cpuSummary, {
          claude_cpu_without_plugin_median_ms: f1(cs.without.median),
          claude_cpu_with_plugin_median_ms: f1(cs.with.median),
          claude_cpu_plugin_disabled_median_ms: f1(cs.disabled.median),
          claude_cpu_plugin_overhead_ms: f1(cs.with.median - cs.without.median),
        })
      }
      if (c.hookDurations) {
        const h = c.hookDurations
        const events = Object.keys(h.with).filter((e) => h.disabled[e])
        const med = (xs) => quantile(xs, 0.5)
        console.log('')
        console.log(`hook durations as Claude Code logs them (claude --debug, ${N_DEBUG} runs each; SessionEnd has no duration in the log):`)
        console.log('| event | with plugin, median ms (all) | SESSION_RETRY_ENABLED=false, median ms (all) | difference ms |')
        console.log('|---|---|---|---|')
        let sumWith = 0
        let sumDisabled = 0
        for (const e of events) {
          sumWith += med(h.with[e])
          sumDisabled += med(h.disabled[e])
          console.log(`| ${e} | ${f1(med(h.with[e]))} (${h.with[e].join(', ')}) | ${f1(med(h.disabled[e]))} (${h.disabled[e].join(', ')}) | ${f1(med(h.with[e]) - med(h.disabled[e]))} |`)
        }
        console.log(`| sum of ${events.length} | ${f1(sumWith)} | ${f1(sumDisabled)} | ${f1(sumWith - sumDisabled)} = ${f2((sumWith - sumDisabled) / unit)} bare Node starts |`)
        Object.assign(cpuSummary, {
          claude_logged_hook_ms_with: f1(sumWith),
          claude_logged_hook_ms_disabled: f1(sumDisabled),
          claude_logged_stage1_ms: f1(sumWith - sumDisabled),
          claude_logged_stage1_node_starts: f2((sumWith - sumDisabled) / unit),
          claude_logged_hook_events: events.join(','),
        })
      } else {
        console.log('\nhook durations as Claude Code logs them: not available (no durations found in claude --debug logs)')
      }
      console.log(`journal: ${c.journalled} plugin runs left all 4 events (SessionStart, UserPromptSubmit, Stop, SessionEnd)`)
      Object.assign(summary, {
        claude_without_plugin_median_ms: f1(st.without.median),
        claude_with_plugin_median_ms: f1(st.with.median),
        claude_plugin_disabled_median_ms: f1(st.disabled.median),
        claude_plugin_overhead_ms: f1(overhead),
        claude_plugin_overhead_node_starts: f2(overhead / unit),
        claude_plugin_overhead_interval_ms: `${f1(lo)}..${f1(hi)}`,
        claude_plugin_overhead_paired_ms: f1(paired.median),
        claude_plugin_overhead_paired_interval_ms: `${f1(paired.lo)}..${f1(paired.hi)}`,
        claude_hook_machinery_ms: f1(machinery),
        claude_hook_machinery_paired_ms: f1(pairedMachinery.median),
        claude_our_stages_ms: f1(ours),
        claude_our_stages_paired_ms: f1(pairedOurs.median),
        claude_our_stages_node_starts: f2(ours / unit),
        claude_noop_floor_median_ms: f1(st.noop.median),
        claude_no_supervisor_median_ms: f1(st.nosup.median),
        claude_over_floor_ms: f1(floor.with.median),
        claude_over_floor_node_starts: f2(floor.with.median / unit),
        claude_over_floor_paired_ms: f1(floor.with.paired.median),
        claude_over_floor_paired_node_starts: f2(floor.with.paired.median / unit),
        claude_no_supervisor_over_floor_paired_node_starts: f2(floor.nosup.paired.median / unit),
        ...(floor.before ? { before_claude_over_floor_paired_node_starts: f2(floor.before.paired.median / unit) } : {}),
        claude_runs_each: String(N_CLAUDE),
        claude_plugin_journal_complete: c.journalled,
        ...cpuSummary,
      })
    }
    const load1 = loadavg()[0]
    if (Math.max(load0, load1) > cpus().length) {
      console.log(`\nnote: the machine was busy (load average ${f2(load0)} → ${f2(load1)} on ${cpus().length} CPUs): compare only ratios and differences from this run`)
    }
    Object.assign(summary, { load_average_start: f2(load0), load_average_end: f2(load1), node_extra_ca_certs: 'unset' })
    console.log('')
    console.log('summary:')
    for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v}`)
    return 0
  } finally {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}

process.exitCode = await main()
