// How does the supervisor hold up under load, and how long does it take to come back? One run:
//   1. load: a real `session-retry supervisor run` (from dist/) on a fresh home; a writer child
//      process appends realistic hook records (SessionStart / UserPromptSubmit / Stop, a few
//      StopFailure rate_limit with a limit banner) at a fixed rate, spread over many sessions.
//      Measured: events lost (every written id must end up in its session's state file: in
//      `supervisor.recentIds` and below `supervisor.offset`), latency from the journal write to the
//      state file containing the event (p50/p99/max), supervisor RSS (VmRSS) and CPU (utime+stime),
//      how often current_session.json is rewritten and how long after the load it still is, and
//      whether SIGTERM ends the supervisor cleanly (exit code 0).
//   2. restart: journals written beforehand (no supervisor, no state files), then spawn → `ready`
//      → every state file's offset equals its journal's size (full replay); SIGTERM; spawn again
//      with the state files present (restore only): spawn → ready.
// Full: 1,000 sessions, 100 events/s for 60 s; restart with 1,000 × 100 events (1.5–2 min on 2 cores).
// With BENCH_BASELINE (see supervisor-bench-lib.mjs) both phases run for the baseline build too, and a
// side-by-side table of the figures the goals are set for comes before the summary.
// --quick: 100 sessions, 20 events/s for 5 s; restart with 100 × 20 events (≈ 12 s).
//
// Usage: node bench/supervisor-load.bench.mjs [--quick]   (needs dist/: npm run build, or npx tsc -p tsconfig.json)
// The writer runs as a child process (this file with --writer), so that its pacing and this
// process's state-file watching never delay each other.
// NODE_EXTRA_CA_CERTS (≈85 ms per Node start on the reference machine), NODE_OPTIONS,
// NODE_V8_COVERAGE and every SESSION_RETRY_* variable are removed from the processes it starts.
// Output: tables, then a `summary:` block of `key: value` lines. Exit 1 when events are lost,
// the supervisor does not catch up before a deadline, or it crashes.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, watch, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { STRIPPED, builds, strippedFromParent, scratchSpace, now, procSample, startSupervisor } from './supervisor-bench-lib.mjs'

const ROOT = realpathSync(fileURLToPath(new URL('..', import.meta.url)))
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js')
const APPEND = join(ROOT, 'dist', 'src', 'journal', 'append-record.js')
const HOME_PATHS = join(ROOT, 'dist', 'src', 'home', 'home-paths.js')
const QUICK = process.argv.includes('--quick')

const P = QUICK
  ? { sessions: 100, rate: 20, seconds: 5, restartSessions: 100, restartEvents: 20, windowS: 1, catchUpMs: 20_000, replayMs: 30_000 }
  : { sessions: 1000, rate: 100, seconds: 60, restartSessions: 1000, restartEvents: 100, windowS: 10, catchUpMs: 60_000, replayMs: 150_000 }
/** Share of sessions whose last turn fails with a rate limit (→ scheduled), and of other Stops that do. */
const LIMITED_SHARE = 0.05
const MID_LIMIT_SHARE = 0.01
const SAMPLE_MS = 250
const POLL_FALLBACK_MS = 1000
const STATE_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/


/** Wall clock in ms with sub-ms resolution, comparable across the processes of this run. */

// ---------------------------------------------------------------- writer child (--writer)

if (process.argv[2] === '--writer') {
  const [planFile, home, rate] = process.argv.slice(3)
  const { appendRecord } = await import(pathToFileURL(APPEND).href)
  const { homePaths } = await import(pathToFileURL(HOME_PATHS).href)
  const paths = homePaths(home)
  const plan = JSON.parse(readFileSync(planFile, 'utf8'))
  const interval = 1000 / Number(rate)
  const t0 = now() + 20
  let behindMax = 0
  process.stdout.write(`start ${t0.toFixed(3)}\n`)
  for (let i = 0; i < plan.length; i++) {
    const target = t0 + i * interval
    const wait = target - now()
    if (wait > 0.5) await sleep(wait)
    behindMax = Math.max(behindMax, now() - target)
    const record = { ...plan[i], ts: new Date().toISOString() }
    appendRecord(paths, record)
    process.stdout.write(`${i} ${now().toFixed(3)}\n`)
  }
  process.stdout.write(`done ${plan.length} ${behindMax.toFixed(1)} ${(process.cpuUsage().user / 1000).toFixed(0)}\n`)
  process.exit(0)
}

// ---------------------------------------------------------------- clean-up, always

const scratch = scratchSpace('supervisor-load bench')
const children = scratch.children

// ---------------------------------------------------------------- small helpers

function quantile(xs, q) {
  if (xs.length === 0) return NaN
  const s = Float64Array.from(xs).sort()
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a')
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a')
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a')
const mib = (kb) => kb / 1024

/** Deterministic pseudo-random numbers (mulberry32), so every run writes the same plan shape. */
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Sampler {
  constructor(pid) {
    this.pid = pid
    this.samples = []
    this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    this.sample()
  }
  sample() {
    const s = procSample(this.pid)
    if (s) this.samples.push(s)
    return s
  }
  stop() {
    clearInterval(this.timer)
    return this.sample()
  }
  maxRss(from = -Infinity, to = Infinity) {
    let m = NaN
    for (const s of this.samples) if (s.t >= from && s.t <= to && !(s.rss <= m)) m = s.rss
    return m
  }
  /** The last sample at or before t (or the first one). */
  at(t) {
    let best = this.samples[0]
    for (const s of this.samples) if (s.t <= t) best = s
    return best
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    return error.code === 'ENOENT' ? undefined : null
  }
}

/**
 * Reads every journal's size and state file until each offset equals its size (or the deadline).
 * `onState(id, state, t)` sees every state file read.
 */
async function waitCaughtUp(home, deadlineMs, intervalMs, onState = () => {}) {
  const eventsDir = join(home, 'sessions', 'events')
  const sessionsDir = join(home, 'sessions')
  const start = now()
  for (;;) {
    let behind = 0
    let journals = 0
    const states = new Map()
    for (const name of readdirSync(eventsDir)) {
      if (!name.endsWith('.jsonl')) continue
      journals++
      const id = name.slice(0, -'.jsonl'.length)
      const size = statSync(join(eventsDir, name)).size
      const t = now()
      const state = readJson(join(sessionsDir, `${id}.json`))
      if (state) {
        onState(id, state, t)
        states.set(id, state)
      }
      if (!state || state.supervisor?.offset !== size) behind++
    }
    if (behind === 0) return { ok: true, at: now(), journals, states, behind }
    if (now() - start > deadlineMs) return { ok: false, at: now(), journals, states, behind }
    await sleep(intervalMs)
  }
}

function logProblems(home) {
  let text = ''
  try {
    text = readFileSync(join(home, 'logs', 'session-retry.log'), 'utf8')
  } catch {
    return { count: 0, first: [] }
  }
  const lines = text.split('\n').filter((l) => /"level":"(warn|error)"/.test(l))
  return { count: lines.length, first: lines.slice(0, 3) }
}

// ---------------------------------------------------------------- realistic records

function bannerResetText(at) {
  const d = new Date(at)
  const h = d.getUTCHours()
  return `${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, '0')}${h < 12 ? 'am' : 'pm'} (UTC)`
}
/** A reset two hours from now, as Claude Code prints it: the sessions get scheduled, none falls due. */
const BANNER = `You've hit your session limit · resets ${bannerResetText(Date.now() + 2 * 3600_000)}`
const ANSWERS = [
  'Done: the parser now accepts trailing commas and the three new tests pass.',
  'I refactored `loadConfig` into smaller functions and kept the public signature unchanged.',
  'The flaky test was a race between the watcher and the reconcile; it now waits for both.',
  'Here is the migration plan, step by step, with a rollback for each step.',
]

function record(sessionId, event, n, cwd, r) {
  const base = { v: 1, id: randomUUID(), event, sessionId, origin: 'hook', cwd, permissionMode: 'default' }
  switch (event) {
    case 'SessionStart':
      return { ...base, source: 'startup' }
    case 'UserPromptSubmit':
      return { ...base, promptLength: 20 + Math.floor(r() * 400) }
    case 'Stop':
      return { ...base, lastAssistantMessage: ANSWERS[n % ANSWERS.length] }
    case 'StopFailure':
      return { ...base, error: 'rate_limit', lastAssistantMessage: BANNER }
    case 'Notification':
      return { ...base, message: 'Claude is waiting for your input', notificationType: 'idle_prompt' }
    default:
      throw new Error(event)
  }
}

/**
 * One session's hook events: SessionStart, then turns (UserPromptSubmit, Stop). A limited session's
 * last turn ends in StopFailure rate_limit (an idle Notification may follow): it must end `scheduled`.
 * A few earlier turns also fail on a limit, and the next prompt brings the session back.
 */
function sessionEvents(sessionId, count, limited, r) {
  const cwd = `/home/dev/src/project-${sessionId.slice(0, 4)}`
  const types = []
  for (let pos = 0; pos < count; pos++) {
    if (pos === 0) types.push('SessionStart')
    else if (pos % 2 === 1) types.push('UserPromptSubmit')
    else types.push(pos < count - 2 && r() < MID_LIMIT_SHARE ? 'StopFailure' : 'Stop')
  }
  if (limited) {
    const last = count - 1
    if (last % 2 === 0) types[last] = 'StopFailure'
    else {
      types[last - 1] = 'StopFailure'
      types[last] = 'Notification'
    }
  }
  return types.map((event, n) => record(sessionId, event, n, cwd, r))
}

/** `total` events spread at random over `sessions` sessions, in a random interleaving. */
function loadPlan(sessions, total, r) {
  const ids = Array.from({ length: sessions }, () => randomUUID())
  const owner = Array.from({ length: total }, () => Math.floor(r() * sessions))
  const counts = new Array(sessions).fill(0)
  for (const s of owner) counts[s]++
  const candidates = ids.map((_, s) => s).filter((s) => counts[s] >= 3)
  const limited = new Set()
  const want = Math.min(candidates.length, Math.max(1, Math.round(LIMITED_SHARE * sessions)))
  while (limited.size < want) limited.add(candidates[Math.floor(r() * candidates.length)])
  const perSession = ids.map((id, s) => sessionEvents(id, counts[s], limited.has(s), r))
  const next = new Array(sessions).fill(0)
  const plan = owner.map((s) => perSession[s][next[s]++])
  const expected = new Map()
  ids.forEach((id, s) => counts[s] > 0 && expected.set(id, limited.has(s) ? 'scheduled' : 'active'))
  return { plan, expected, touched: expected.size, limitedSessions: limited.size }
}

function stateMismatches(expected, states) {
  let mismatches = 0
  const examples = []
  for (const [id, want] of expected) {
    const got = states.get(id)?.state
    if (got !== want) {
      mismatches++
      if (examples.length < 3) examples.push(`${id}: ${got ?? 'no state file'} (expected ${want})`)
    }
  }
  return { mismatches, examples }
}

// ---------------------------------------------------------------- 1. load

async function loadPhase(build) {
  const home = join(scratch.tempRoot, `load-home-${build.label}`)
  const sessionsDir = join(home, 'sessions')
  mkdirSync(join(sessionsDir, 'events'), { recursive: true, mode: 0o700 })
  const total = P.rate * P.seconds
  const r = rng(20260101)
  const { plan, expected, touched, limitedSessions } = loadPlan(P.sessions, total, r)
  const planFile = join(scratch.tempRoot, `load-plan-${build.label}.json`)
  writeFileSync(planFile, JSON.stringify(plan))
  console.log(`\n## 1. load (${build.label}: ${build.root}): ${P.sessions} sessions (${touched} receive events; ${limitedSessions} end on a rate-limit StopFailure), ${P.rate} events/s for ${P.seconds} s = ${total} events`)

  // Watch the state files before the supervisor writes any.
  const seen = new Map() // event id -> { t, via }
  const via = { watch: 0, poll: 0, final: 0 }
  let stateReads = 0
  let badReads = 0
  const observe = (state, t, how) => {
    for (const id of state?.supervisor?.recentIds ?? []) {
      if (!seen.has(id)) {
        seen.set(id, { t, how })
        via[how]++
      }
    }
  }
  const readState = (name, how) => {
    const t = now()
    const state = readJson(join(sessionsDir, name))
    stateReads++
    if (state === null) badReads++
    else if (state) observe(state, t, how)
  }
  const dirty = new Set()
  let flushQueued = false
  const flush = () => {
    flushQueued = false
    for (const name of dirty) {
      dirty.delete(name)
      readState(name, 'watch')
    }
  }
  const watcher = watch(sessionsDir, (type, name) => {
    if (!name || !STATE_RE.test(name)) return
    dirty.add(name)
    if (!flushQueued) {
      flushQueued = true
      setImmediate(flush)
    }
  })
  // current_session.json (a summary of every session) is rewritten after state writes: count its renames.
  const summaryWrites = []
  // In sessions/ since 0.2, in the home folder before (a BENCH_BASELINE build may be either).
  const summaryWatchers = [home, sessionsDir].map(dir => watch(dir, (type, name) => {
    if (name === 'current_session.json') summaryWrites.push(now())
  }))
  const loopDelay = monitorEventLoopDelay({ resolution: 5 })

  const sup = startSupervisor(build.cli, home, { readyTimeoutMs: 30_000, children })
  const readyAt = await sup.ready
  const sampler = new Sampler(sup.pid)
  const atReady = sampler.sample()
  console.log(`supervisor pid ${sup.pid}: spawn → ready ${f0(readyAt - sup.spawnedAt)} ms on an empty home, RSS ${f1(mib(atReady?.rss))} MiB`)

  // The writer: a child process, paced on its own event loop.
  const written = new Array(total).fill(null)
  let writerStart = null
  let writerDone = null
  const writer = spawn(process.execPath, [fileURLToPath(import.meta.url), '--writer', planFile, home, String(P.rate)], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(writer)
  let writerErr = ''
  writer.stderr.setEncoding('utf8').on('data', (d) => (writerErr += d))
  const writerExit = new Promise((resolve) => writer.on('exit', (code) => resolve(code)))
  const lines = createInterface({ input: writer.stdout })
  const linesClosed = new Promise((resolve) => lines.once('close', resolve))
  lines.on('line', (line) => {
    const [a, b, c, d] = line.split(' ')
    if (a === 'start') writerStart = Number(b)
    else if (a === 'done') writerDone = { count: Number(b), behindMaxMs: Number(c), cpuMs: Number(d) }
    else written[Number(a)] = Number(b)
  })
  loopDelay.enable()
  const cpuBefore = process.cpuUsage()

  // Fallback: sessions with an event written over a second ago and not seen yet are read directly.
  const pollTimer = setInterval(() => {
    const cutoff = now() - POLL_FALLBACK_MS
    const names = new Set()
    for (let i = 0; i < total; i++) {
      if (written[i] !== null && written[i] < cutoff && !seen.has(plan[i].id)) names.add(`${plan[i].sessionId}.json`)
    }
    for (const name of names) readState(name, 'poll')
  }, POLL_FALLBACK_MS)

  const writerCode = await writerExit
  await linesClosed
  if (writerCode !== 0 || !writerDone) throw new Error(`writer failed (exit ${writerCode}):\n${writerErr.slice(-2000)}`)
  const lastWrite = Math.max(...written.filter((t) => t !== null))
  if (!sup.alive()) throw new Error(`supervisor died during the load:\n${sup.output().slice(-2000)}`)

  // Catch-up: every state file's offset equals its journal's size.
  const caught = await waitCaughtUp(home, P.catchUpMs, 250, (id, state, t) => observe(state, t, 'final'))
  clearInterval(pollTimer)
  flush()
  loopDelay.disable()
  const cpuBench = process.cpuUsage(cpuBefore)
  const final = sampler.sample()
  // The summary files may still be catching up: wait until none was written for 1 s (at most 30 s).
  const drainStart = now()
  while (now() - drainStart < 30_000 && now() - (summaryWrites.at(-1) ?? 0) < 1000) await sleep(100)
  const summaryDrained = now() - (summaryWrites.at(-1) ?? 0) >= 1000
  const afterDrain = sampler.stop()
  watcher.close()
  for (const w of summaryWatchers) w.close()
  const alive = sup.alive()
  const stopped = await sup.stop()
  const summaryDuring = summaryWrites.filter((t) => t >= writerStart && t <= lastWrite).length
  const summaryAfter = summaryWrites.filter((t) => t > lastWrite)

  // Lost events: not in the final recentIds of their session, or not below its final offset.
  const lineEnds = new Map()
  for (const name of readdirSync(join(sessionsDir, 'events'))) {
    if (!name.endsWith('.jsonl')) continue
    let pos = 0
    for (const line of readFileSync(join(sessionsDir, 'events', name), 'utf8').split('\n')) {
      pos += Buffer.byteLength(line) + 1
      if (!line) continue
      try {
        lineEnds.set(JSON.parse(line).id, pos)
      } catch {}
    }
  }
  let notWritten = 0
  let notInRecent = 0
  let notCovered = 0
  let lost = 0
  const lostExamples = []
  for (let i = 0; i < total; i++) {
    if (written[i] === null) {
      notWritten++
      continue
    }
    const { id, sessionId } = plan[i]
    const state = caught.states.get(sessionId)
    const inRecent = !!state?.supervisor?.recentIds?.includes(id)
    const end = lineEnds.get(id)
    const covered = end !== undefined && state?.supervisor?.offset >= end
    if (!inRecent) notInRecent++
    if (!covered) notCovered++
    if (!inRecent || !covered) {
      lost++
      if (lostExamples.length < 3) lostExamples.push(`${sessionId} ${id} (${plan[i].event}; in recentIds ${inRecent}, below offset ${covered})`)
    }
  }

  // Latency: first sighting in a state file − the write.
  const lat = []
  const latByWindow = new Map()
  const latHow = { watch: [], poll: [], final: [] }
  for (let i = 0; i < total; i++) {
    const s = seen.get(plan[i].id)
    if (written[i] === null || !s) continue
    const ms = s.t - written[i]
    lat.push(ms)
    latHow[s.how].push(ms)
    const w = Math.floor((written[i] - writerStart) / 1000 / P.windowS)
    if (!latByWindow.has(w)) latByWindow.set(w, [])
    latByWindow.get(w).push(ms)
  }

  console.log('')
  console.log(`| writes in s | events | p50 ms | p99 ms | max ms | supervisor CPU % | supervisor RSS MiB |`)
  console.log('|---|---|---|---|---|---|---|')
  for (const [w, xs] of [...latByWindow].sort((a, b) => a[0] - b[0])) {
    const from = writerStart + w * P.windowS * 1000
    const to = from + P.windowS * 1000
    const a = sampler.at(from)
    const b = sampler.at(to)
    const cpuPct = b && a && b.t > a.t ? ((b.cpu - a.cpu) / ((b.t - a.t) / 1000)) * 100 : NaN
    console.log(`| ${w * P.windowS}–${(w + 1) * P.windowS} | ${xs.length} | ${f1(quantile(xs, 0.5))} | ${f1(quantile(xs, 0.99))} | ${f1(Math.max(...xs))} | ${f0(cpuPct)} | ${f1(mib(b?.rss))} |`)
  }
  const cpuLoad = final && atReady ? final.cpu - atReady.cpu : NaN
  const loadWall = (caught.at - writerStart) / 1000
  const problems = logProblems(home)
  const m = stateMismatches(expected, caught.states)
  const res = {
    readyEmptyMs: readyAt - sup.spawnedAt,
    written: total - notWritten,
    lost,
    notInRecent,
    notCovered,
    neverSeen: total - notWritten - lat.length,
    caughtUp: caught.ok,
    behind: caught.behind,
    catchUpMs: caught.at - lastWrite,
    lat,
    latHow,
    rssReady: atReady?.rss,
    rssMax: sampler.maxRss(),
    rssFinal: final?.rss,
    cpuLoad,
    cpuPct: (cpuLoad / loadWall) * 100,
    loadWall,
    writer: writerDone,
    benchCpuMs: (cpuBench.user + cpuBench.system) / 1000,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    stateReads,
    badReads,
    stopped,
    aliveAtEnd: alive,
    summary: {
      during: summaryDuring,
      perS: summaryDuring / ((lastWrite - writerStart) / 1000),
      after: summaryAfter.length,
      lastAfterMs: summaryAfter.length ? summaryAfter.at(-1) - lastWrite : 0,
      drained: summaryDrained,
    },
    rssAfterDrain: afterDrain?.rss,
    problems,
    mismatch: m,
    journals: caught.journals,
  }
  console.log('')
  console.log(`writer: child process, ${res.writer.count} appendRecord() calls paced at ${P.rate}/s (max ${f1(res.writer.behindMaxMs)} ms behind schedule); write time = just after appendRecord returned`)
  console.log(`latency = first time this process read a state file listing the event id in supervisor.recentIds − write time (both performance.timeOrigin + now(), sub-ms).`)
  console.log(`  detection: fs.watch (inotify) on <home>/sessions/, each changed <id>.json read once per event-loop turn: ${latHow.watch.length} events;`)
  console.log(`  fallback poll of sessions with an event unseen for over ${POLL_FALLBACK_MS} ms: ${latHow.poll.length}; first seen in the final catch-up scan (250 ms): ${latHow.final.length}; never seen: ${res.neverSeen}`)
  console.log(`  resolution: inotify delivery + this process's event-loop delay (p99 ${f1(res.loopDelayP99)} ms); ${stateReads} state-file reads, ${badReads} unreadable/torn; this process used ${f0(res.benchCpuMs)} ms CPU`)
  console.log(`events: ${res.written} written, ${lost} lost (${notInRecent} missing from recentIds, ${notCovered} beyond the state offset); ${caught.ok ? `all ${caught.journals} journals caught up ${f0(res.catchUpMs)} ms after the last write` : `NOT caught up: ${caught.behind} of ${caught.journals} journals behind after ${P.catchUpMs} ms`}`)
  console.log(`final states: ${m.mismatches} of ${expected.size} sessions not in the expected state (active, or scheduled after a final rate-limit StopFailure)${m.examples.length ? `: ${m.examples.join('; ')}` : ''}`)
  if (lostExamples.length) console.log(`lost, e.g.: ${lostExamples.join('; ')}`)
  console.log(`supervisor: CPU ${f2(cpuLoad)} s over ${f1(loadWall)} s of load + catch-up (${f0(res.cpuPct)} % of one core); RSS ready ${f1(mib(res.rssReady))} MiB, max ${f1(mib(res.rssMax))} MiB, final (caught up) ${f1(mib(res.rssFinal))} MiB`)
  console.log(`summary files: current_session.json rewritten ${res.summary.during} times while the writer ran (${f1(res.summary.perS)}/s), ${res.summary.after} more after the last write, the last ${f0(res.summary.lastAfterMs)} ms after it${res.summary.drained ? '' : ' (still being rewritten when the wait ended)'}; RSS then ${f1(mib(res.rssAfterDrain))} MiB`)
  console.log(`shutdown: SIGTERM → exit ${f0(stopped.ms)} ms, ${stopped.clean ? 'exit code 0' : `NOT clean: ${stopped.code}`}`)
  console.log(`supervisor log: ${problems.count} warn/error lines${problems.first.length ? `, first: ${problems.first.join(' | ')}` : ''}`)
  return res
}

// ---------------------------------------------------------------- 2. restart

async function restartPhase(build) {
  const home = join(scratch.tempRoot, `restart-home-${build.label}`)
  const sessionsDir = join(home, 'sessions')
  const { appendRecord } = await import(pathToFileURL(APPEND).href)
  const { homePaths } = await import(pathToFileURL(HOME_PATHS).href)
  const paths = homePaths(home)
  const r = rng(777)
  const S = P.restartSessions
  const E = P.restartEvents
  console.log(`\n## 2. restart (${build.label}: ${build.root}): ${S} sessions × ${E} events already in the journals`)
  const expected = new Map()
  const t0 = now()
  const base = Date.now() - E * 30_000
  let lines = 0
  for (let s = 0; s < S; s++) {
    const id = randomUUID()
    const limited = r() < LIMITED_SHARE
    expected.set(id, limited ? 'scheduled' : 'active')
    const events = sessionEvents(id, E, limited, r)
    events.forEach((rec, j) => {
      appendRecord(paths, { ...rec, ts: new Date(base + j * 30_000).toISOString() })
      lines++
    })
  }
  const writeMs = now() - t0
  const bytes = readdirSync(paths.eventsDir).reduce((n, name) => n + statSync(join(paths.eventsDir, name)).size, 0)
  console.log(`journals written directly with appendRecord (no supervisor): ${lines} lines, ${f1(bytes / 1048576)} MiB in ${f0(writeMs)} ms; ${[...expected.values()].filter((v) => v === 'scheduled').length} sessions end on a rate-limit StopFailure`)

  const runs = []
  // a. replay: no state files.
  {
    const sup = startSupervisor(build.cli, home, { readyTimeoutMs: P.replayMs, children })
    const sampler = new Sampler(sup.pid)
    const readyAt = await sup.ready
    const caught = await waitCaughtUp(home, P.catchUpMs, 100)
    const final = sampler.stop()
    const m = stateMismatches(expected, caught.states)
    const stopped = await sup.stop()
    runs.push({ label: 'replay (no state files)', readyMs: readyAt - sup.spawnedAt, caughtMs: caught.at - sup.spawnedAt, caught, rssMax: sampler.maxRss(), rssFinal: final?.rss, cpu: final?.cpu, stopped, mismatch: m, rewritten: NaN })
  }
  // b. restore: state files present, nothing to replay.
  {
    const mtimes = new Map()
    for (const name of readdirSync(sessionsDir)) if (STATE_RE.test(name)) mtimes.set(name, statSync(join(sessionsDir, name)).mtimeMs)
    const sup = startSupervisor(build.cli, home, { readyTimeoutMs: P.replayMs, children })
    const sampler = new Sampler(sup.pid)
    const readyAt = await sup.ready
    const caught = await waitCaughtUp(home, P.catchUpMs, 100)
    const final = sampler.stop()
    let rewritten = 0
    for (const [name, mtime] of mtimes) if (statSync(join(sessionsDir, name)).mtimeMs !== mtime) rewritten++
    const m = stateMismatches(expected, caught.states)
    const stopped = await sup.stop()
    runs.push({ label: 'restore (state files present)', readyMs: readyAt - sup.spawnedAt, caughtMs: caught.at - sup.spawnedAt, caught, rssMax: sampler.maxRss(), rssFinal: final?.rss, cpu: final?.cpu, stopped, mismatch: m, rewritten })
  }
  console.log('')
  console.log('| run | spawn → ready ms | spawn → all offsets = sizes ms | RSS max MiB | CPU s (to caught up) | state files rewritten | not in expected state | SIGTERM → exit |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const x of runs) {
    console.log(`| ${x.label} | ${f0(x.readyMs)} | ${x.caught.ok ? f0(x.caughtMs) : `not caught up (${x.caught.behind} behind)`} | ${f1(mib(x.rssMax))} | ${f2(x.cpu)} | ${Number.isFinite(x.rewritten) ? x.rewritten : 'all (new)'} | ${x.mismatch.mismatches} | ${f0(x.stopped.ms)} ms, ${x.stopped.clean ? 'code 0' : x.stopped.code} |`)
  }
  for (const x of runs) if (x.mismatch.examples.length) console.log(`${x.label}: unexpected states, e.g. ${x.mismatch.examples.join('; ')}`)
  const problems = logProblems(home)
  console.log(`replay rate: ${f0(lines / (runs[0].readyMs / 1000))} lines/s (spawn → ready); supervisor log: ${problems.count} warn/error lines${problems.first.length ? `, first: ${problems.first.join(' | ')}` : ''}`)
  return { lines, bytes, writeMs, runs, problems }
}

// ---------------------------------------------------------------- main

function summaryOf(load, restart) {
  const [replay, restore] = restart.runs
  const p = (q) => f1(quantile(load.lat, q))
  return {
    load_sessions: String(P.sessions),
    load_rate_per_s: String(P.rate),
    load_seconds: String(P.seconds),
    load_events_written: String(load.written),
    load_events_lost: String(load.lost),
    load_caught_up: load.caughtUp ? 'yes' : `no (${load.behind} behind)`,
    load_catch_up_after_last_write_ms: f0(load.catchUpMs),
    load_state_mismatches: String(load.mismatch.mismatches),
    latency_p50_ms: p(0.5),
    latency_p90_ms: p(0.9),
    latency_p99_ms: p(0.99),
    latency_max_ms: f1(Math.max(...load.lat)),
    latency_events_measured: String(load.lat.length),
    supervisor_ready_empty_ms: f0(load.readyEmptyMs),
    supervisor_rss_ready_mib: f1(mib(load.rssReady)),
    supervisor_rss_max_mib: f1(mib(load.rssMax)),
    supervisor_rss_final_mib: f1(mib(load.rssFinal)),
    supervisor_cpu_s: f2(load.cpuLoad),
    supervisor_cpu_percent: f0(load.cpuPct),
    supervisor_summary_writes_per_s: f1(load.summary.perS),
    supervisor_summary_last_write_after_load_ms: f0(load.summary.lastAfterMs),
    supervisor_log_problems: String(load.problems.count + restart.problems.count),
    supervisor_sigterm_exits: [load.stopped, replay.stopped, restore.stopped].map((x) => (x.clean ? '0' : x.code)).join(','),
    restart_journal_lines: String(restart.lines),
    restart_replay_ready_ms: f0(replay.readyMs),
    restart_replay_caught_up_ms: replay.caught.ok ? f0(replay.caughtMs) : 'timeout',
    restart_replay_rss_max_mib: f1(mib(replay.rssMax)),
    restart_replay_cpu_s: f2(replay.cpu),
    restart_restore_ready_ms: f0(restore.readyMs),
    restart_restore_caught_up_ms: restore.caught.ok ? f0(restore.caughtMs) : 'timeout',
    restart_restore_state_files_rewritten: String(restore.rewritten),
    restart_state_mismatches: String(replay.mismatch.mismatches + restore.mismatch.mismatches),
  }
}

/** The issue's table: each build's figure side by side, with the goal. */
function printComparison(results) {
  const cols = results.map((r) => r.build.label)
  const rows = [
    ['load: supervisor CPU, % of a core', (s) => s.supervisor_cpu_percent, '≤ 30'],
    ['load: journal write → state file p99 / max, ms', (s) => `${s.latency_p99_ms} / ${s.latency_max_ms}`, '≤ 100 / ≤ 200'],
    ['load: RSS max, MiB', (s) => s.supervisor_rss_max_mib, '≤ 110'],
    [`restart replaying ${P.restartSessions * P.restartEvents} lines: ready / caught up, ms`, (s) => `${s.restart_replay_ready_ms} / ${s.restart_replay_caught_up_ms}`, '≤ 2000'],
    ['restart from state files (restore): ready / caught up, ms', (s) => `${s.restart_restore_ready_ms} / ${s.restart_restore_caught_up_ms}`, '≤ 1000'],
    ['events lost / sessions not in the expected state', (s) => `${s.load_events_lost} / ${Number(s.load_state_mismatches) + Number(s.restart_state_mismatches)}`, '0 / 0'],
  ]
  console.log('\n## side by side')
  console.log(`| figure | ${cols.join(' | ')} | goal |`)
  console.log(`|---|${cols.map(() => '---|').join('')}---|`)
  for (const [label, get, goal] of rows) console.log(`| ${label} | ${results.map((r) => get(r.summary)).join(' | ')} | ${goal} |`)
}

async function main() {
  if (!existsSync(CLI) || !existsSync(APPEND)) {
    console.error(`supervisor-load bench: ${CLI} or ${APPEND} is missing; build first (npm run build, or npx tsc -p tsconfig.json)`)
    return 1
  }
  const list = builds()
  const load0 = loadavg()[0]
  scratch.tempRoot = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-supervisor-')))
  console.log('# supervisor load and restart benchmark')
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${f2(load0)} at start${QUICK ? ', --quick' : ''}; temp home under ${scratch.tempRoot}; builds: ${list.map((b) => `${b.label} ${b.root}`).join(', ')}`)
  console.log(`env: ${STRIPPED.join(', ')} and SESSION_RETRY_* unset in every process started${strippedFromParent.length ? ` (${strippedFromParent.join(', ')} was set here)` : ''}; supervisor with SESSION_RETRY_CLAUDE_INTEGRATION=false, SESSION_RETRY_PORT=0, SESSION_RETRY_LOG_LEVEL=warn`)
  const results = list.map((build) => ({ build }))
  for (const r of results) r.load = await loadPhase(r.build)
  for (const r of results) r.restart = await restartPhase(r.build)
  for (const r of results) r.summary = summaryOf(r.load, r.restart)
  printComparison(results)
  const summary = { mode: QUICK ? 'quick' : 'full', ...results[0].summary }
  for (const r of results.slice(1)) for (const [k, v] of Object.entries(r.summary)) summary[`${r.build.label}_${k}`] = v
  Object.assign(summary, { load_average_start: f2(load0), load_average_end: f2(loadavg()[0]), node_extra_ca_certs: 'unset' })
  console.log('\nsummary:')
  for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v}`)
  let failed = false
  for (const { build, load, restart } of results) {
    const [replay, restore] = restart.runs
    if (load.lost > 0 || !load.caughtUp || !load.aliveAtEnd || !replay.caught.ok || !restore.caught.ok) {
      console.error(`supervisor-load bench: FAILED for ${build.label} (events lost, not caught up, or the supervisor died)`)
      failed = true
    }
    const unclean = [load.stopped, replay.stopped, restore.stopped].filter((x) => !x.clean).length
    if (unclean) console.log(`warning: ${build.label}: ${unclean} of 3 supervisor runs did not exit cleanly on SIGTERM (see supervisor_sigterm_exits)`)
  }
  return failed ? 1 : 0
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(`supervisor-load bench: ${error?.stack ?? error}`)
  process.exitCode = 1
} finally {
  scratch.cleanup()
}
