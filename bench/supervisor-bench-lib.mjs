// What the supervisor benchmarks share: the builds to compare, a real `session-retry supervisor run`
// as a child process, /proc samples of it, and journals written straight to a home.
// Not a bench itself (run.mjs runs *.bench.mjs only).
//
// BENCH_BASELINE=<folder>: another checkout of this repository, built (`npm ci && npm run build`),
// e.g. `git worktree add /tmp/ssr-base main`. The supervisor benches then run it side by side with
// this one in the same run, as "before", and print both figures.
import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = realpathSync(fileURLToPath(new URL('..', import.meta.url)))
export const STRIPPED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_V8_COVERAGE']
export const strippedFromParent = STRIPPED.filter((k) => process.env[k] !== undefined)
for (const k of STRIPPED) delete process.env[k]

/** Wall clock in ms with sub-ms resolution, comparable across the processes of a run. */
export const now = () => performance.timeOrigin + performance.now()

export const cliOf = (root) => join(root, 'dist', 'src', 'cli', 'main.js')

/** The builds to measure: this one ("after"), and BENCH_BASELINE ("before") when it names a built checkout. */
export function builds() {
  const list = [{ label: 'after', root: ROOT, cli: cliOf(ROOT) }]
  const baseline = process.env.BENCH_BASELINE
  if (baseline) {
    const root = realpathSync(baseline)
    if (!existsSync(cliOf(root))) throw new Error(`BENCH_BASELINE=${baseline}: ${cliOf(root)} is missing (build that checkout first)`)
    list.push({ label: 'before', root, cli: cliOf(root) })
  }
  return list
}

const CLK_TCK = (() => {
  const n = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim())
  return Number.isFinite(n) && n > 0 ? n : 100
})()

/** VmRSS (kB), CPU seconds of the process itself and of the children it waited for, from /proc. */
export function procSample(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { t: now(), rss, cpu: (Number(rest[11]) + Number(rest[12])) / CLK_TCK, childCpu: (Number(rest[13]) + Number(rest[14])) / CLK_TCK }
  } catch {
    return null
  }
}

/** CPU as a percentage of one core between two samples. */
export const cpuPercent = (a, b, key = 'cpu') => (a && b && b.t > a.t ? ((b[key] - a[key]) / ((b.t - a.t) / 1000)) * 100 : NaN)

export function supervisorEnv(home, extra = {}) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SESSION_RETRY_')) env[k] = v
  return { ...env, SESSION_RETRY_HOME: home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false', SESSION_RETRY_PORT: '0', SESSION_RETRY_LOG_LEVEL: 'warn', ...extra }
}

const nodeFlagsByCli = new Map()
/**
 * The Node flags the build's own start sites give its supervisor (none for builds older than
 * SUPERVISOR_NODE_FLAGS), so each build is measured as it runs for users.
 */
export function supervisorNodeFlags(cli) {
  if (!nodeFlagsByCli.has(cli)) {
    const file = join(dirname(cli), '..', 'hook', 'autostart-supervisor.js')
    if (!existsSync(file)) return nodeFlagsByCli.set(cli, []).get(cli)
    const module = pathToFileURL(file).href
    const script = `import(${JSON.stringify(module)}).then(m => console.log(JSON.stringify(m.SUPERVISOR_NODE_FLAGS ?? [])))`
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } })
    if (out.status !== 0) throw new Error(`cannot read the supervisor's Node flags of ${cli}: ${out.stderr}`)
    nodeFlagsByCli.set(cli, JSON.parse(out.stdout))
  }
  return nodeFlagsByCli.get(cli)
}

/** `supervisor run` as a child process; `ready` resolves with the time `supervisor: ready` was printed. */
export function startSupervisor(cli, home, { readyTimeoutMs = 120_000, env = {}, children } = {}) {
  const flags = supervisorNodeFlags(cli)
  const spawnedAt = now()
  const child = spawn(process.execPath, [...flags, cli, 'supervisor', 'run'], { env: supervisorEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] })
  children?.add(child)
  let output = ''
  let readyAt = null
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: now() })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`supervisor not ready after ${readyTimeoutMs} ms:\n${output.slice(-2000)}`)), readyTimeoutMs)
    const onData = (d) => {
      output += d
      if (readyAt === null && output.includes('supervisor: ready')) {
        readyAt = now()
        clearTimeout(timer)
        resolve(readyAt)
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    child.on('error', reject)
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      if (readyAt === null) reject(new Error(`supervisor exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`))
    })
  })
  ready.catch(() => {})
  return {
    child,
    pid: child.pid,
    spawnedAt,
    ready,
    exited,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      const t = now()
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const result = await Promise.race([exited, sleep(20_000, null, { ref: false })])
      if (!result) {
        child.kill('SIGKILL')
        await exited
        return { code: 'SIGKILL after 20 s', clean: false, ms: now() - t }
      }
      return { code: result.code ?? result.signal, clean: result.code === 0, ms: result.at - t }
    },
  }
}

const ANSWERS = ['Done: the parser now accepts trailing commas and the tests pass.', 'I refactored `loadConfig` and kept its signature.']

/**
 * Writes `sessions` journals of `events` hook lines each, straight to <home>/sessions/events, dated
 * in the past: SessionStart, then turns. `limitedEvery` (n): every n-th session's last turn fails on a
 * rate limit (its banner resets in two hours, so the session ends `scheduled`); with `missingTranscript`
 * that StopFailure names a transcript that does not exist. The last event is `endedAgoMs` ago.
 */
export function writeJournals(home, { sessions, events, limitedEvery = 20, missingTranscript = false, endedAgoMs = 0 }) {
  const eventsDir = join(home, 'sessions', 'events')
  mkdirSync(eventsDir, { recursive: true, mode: 0o700 })
  const reset = new Date(Date.now() + 2 * 3600_000)
  const h = reset.getUTCHours()
  const banner = `You've hit your session limit · resets ${h % 12 === 0 ? 12 : h % 12}:${String(reset.getUTCMinutes()).padStart(2, '0')}${h < 12 ? 'am' : 'pm'} (UTC)`
  const base = Date.now() - endedAgoMs - events * 30_000
  const ids = []
  let lines = 0
  for (let s = 0; s < sessions; s++) {
    const sessionId = randomUUID()
    const cwd = `/home/dev/src/project-${s}`
    const limited = limitedEvery > 0 && s % limitedEvery === 0
    const out = []
    for (let n = 0; n < events; n++) {
      const event = n === 0 ? 'SessionStart' : limited && n === events - 1 ? 'StopFailure' : n % 2 === 1 ? 'UserPromptSubmit' : 'Stop'
      const record = { v: 1, id: randomUUID(), ts: new Date(base + n * 30_000).toISOString(), event, sessionId, origin: 'hook', cwd, permissionMode: 'default' }
      if (event === 'SessionStart') record.source = 'startup'
      if (event === 'UserPromptSubmit') record.promptLength = 40 + n
      if (event === 'Stop') record.lastAssistantMessage = ANSWERS[n % ANSWERS.length]
      if (event === 'StopFailure') {
        Object.assign(record, { error: 'rate_limit', lastAssistantMessage: banner })
        if (missingTranscript) record.transcriptPath = join(home, 'no-such-transcripts', `${sessionId}.jsonl`)
      }
      out.push(JSON.stringify(record))
    }
    writeFileSync(join(eventsDir, `${sessionId}.jsonl`), out.join('\n') + '\n', { mode: 0o600 })
    ids.push(sessionId)
    lines += events
  }
  return { ids, lines }
}

export const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a')
export const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a')
export const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a')
export const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a')
export const mib = (kb) => kb / 1024

/**
 * What a bench leaves behind goes, whatever ends it (the end, an error, a signal): its child
 * processes are killed and its temporary folder removed. Set `tempRoot` once it is made;
 * `cleanup()` does it at once.
 */
export function scratchSpace(name) {
  const scratch = { children: new Set(), tempRoot: null, cleanup: () => {} }
  const cleanup = () => {
    for (const child of scratch.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    if (scratch.tempRoot) rmSync(scratch.tempRoot, { recursive: true, force: true })
    scratch.tempRoot = null
  }
  scratch.cleanup = cleanup
  process.on('exit', cleanup)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`${name}: ${signal}, cleaning up`)
      cleanup()
      process.exit(130)
    })
  }
  return scratch
}
