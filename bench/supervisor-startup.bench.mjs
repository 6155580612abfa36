// How long does a supervisor take to start on a big home, and does it answer meanwhile? 5,000
// sessions of journals (no state files: everything is replayed), 300 of which end on a rate-limit
// StopFailure whose transcript is gone, all written an hour ago. Measured: spawn → first /health
// answer (and its status), spawn → `supervisor: ready`, spawn → every state file's offset equal to
// its journal's size, CPU and RSS max. With BENCH_BASELINE (see supervisor-bench-lib.mjs) the
// baseline build starts on its own copy of the same home, in the same run.
// Full: 5,000 sessions × 20 events. --quick: 200 × 10, 12 limited.
//
// Usage: node bench/supervisor-startup.bench.mjs [--quick]   (needs dist/: npm run build)
// Output: a table, then a `summary:` block of `key: value` lines.
import { cpSync, mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createServer } from 'node:net'
import { STRIPPED, builds, f0, f1, f2, mib, now, procSample, startSupervisor, strippedFromParent, writeJournals, scratchSpace } from './supervisor-bench-lib.mjs'

const QUICK = process.argv.includes('--quick')
const P = QUICK ? { sessions: 200, events: 10, limited: 12, timeoutMs: 60_000 } : { sessions: 5000, events: 20, limited: 300, timeoutMs: 600_000 }

const scratch = scratchSpace('supervisor-startup bench')
const children = scratch.children

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Spawn → ready → caught up, polling /health meanwhile (every 10 ms until it answers, then every 500 ms). */
async function startUp(build, home, ids) {
  const port = await freePort()
  const sup = startSupervisor(build.cli, home, { readyTimeoutMs: P.timeoutMs, env: { SESSION_RETRY_PORT: String(port) }, children })
  const samples = []
  const sampler = setInterval(() => samples.push(procSample(sup.pid)), 250)
  let firstHealth = null
  let readyAt = null
  sup.ready.then((t) => (readyAt = t), () => {})
  const healthStatuses = new Map()
  while (readyAt === null && sup.alive()) {
    try {
      const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json()
      firstHealth ??= { at: now(), status: health.status }
      healthStatuses.set(health.status, (healthStatuses.get(health.status) ?? 0) + 1)
    } catch {
      // Not listening yet.
    }
    await sleep(firstHealth ? 500 : 10)
  }
  await sup.ready
  const eventsDir = join(home, 'sessions', 'events')
  let caughtAt = null
  for (const deadline = now() + P.timeoutMs; caughtAt === null && now() < deadline; await sleep(100)) {
    const behind = ids.filter((id) => {
      try {
        return JSON.parse(readFileSync(join(home, 'sessions', `${id}.json`), 'utf8')).supervisor.offset !== statSync(join(eventsDir, `${id}.jsonl`)).size
      } catch {
        return true
      }
    }).length
    if (behind === 0) caughtAt = now()
  }
  clearInterval(sampler)
  const final = procSample(sup.pid)
  samples.push(final)
  const stopped = await sup.stop()
  return {
    build,
    firstHealthMs: firstHealth ? firstHealth.at - sup.spawnedAt : NaN,
    firstHealthStatus: firstHealth?.status ?? 'none before ready',
    statuses: [...healthStatuses].map(([s, n]) => `${s} ×${n}`).join(', ') || 'none',
    readyMs: readyAt - sup.spawnedAt,
    caughtMs: caughtAt === null ? NaN : caughtAt - sup.spawnedAt,
    cpu: final?.cpu,
    rssMax: mib(Math.max(...samples.filter(Boolean).map((s) => s.rss))),
    stopped,
  }
}

async function main() {
  const list = builds()
  const load0 = loadavg()[0]
  scratch.tempRoot = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-startup-')))
  console.log('# supervisor start-up benchmark')
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${f2(load0)} at start${QUICK ? ', --quick' : ''}; builds: ${list.map((b) => `${b.label} ${b.root}`).join(', ')}`)
  console.log(`env: ${STRIPPED.join(', ')} and SESSION_RETRY_* unset in every process started${strippedFromParent.length ? ` (${strippedFromParent.join(', ')} was set here)` : ''}; supervisors with SESSION_RETRY_CLAUDE_INTEGRATION=false`)
  const pristine = join(scratch.tempRoot, 'pristine')
  const t0 = now()
  const { ids, lines } = writeJournals(pristine, { sessions: P.sessions, events: P.events, limitedEvery: Math.floor(P.sessions / P.limited), missingTranscript: true, endedAgoMs: 3600_000 })
  const limited = ids.filter((_, s) => s % Math.floor(P.sessions / P.limited) === 0).length
  console.log(`home: ${P.sessions} sessions × ${P.events} events = ${lines} lines (${limited} end on a rate-limit StopFailure whose transcript does not exist), written an hour ago, no state files; written in ${f0(now() - t0)} ms`)
  const results = []
  for (const build of list) {
    const home = join(scratch.tempRoot, build.label)
    cpSync(pristine, home, { recursive: true })
    results.push(await startUp(build, home, ids))
  }
  console.log('')
  console.log('| build | spawn → first /health ms | its status | /health answers before ready | spawn → ready ms | spawn → caught up ms | CPU s | RSS max MiB | SIGTERM |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const r of results) {
    console.log(`| ${r.build.label} | ${f0(r.firstHealthMs)} | ${r.firstHealthStatus} | ${r.statuses} | ${f0(r.readyMs)} | ${f0(r.caughtMs)} | ${f2(r.cpu)} | ${f1(r.rssMax)} | ${r.stopped.clean ? 'exit 0' : r.stopped.code} |`)
  }
  const load1 = loadavg()[0]
  if (Math.max(load0, load1) > cpus().length) console.log(`note: the machine was busy (load average ${f2(load0)} → ${f2(load1)} on ${cpus().length} CPUs)`)
  const summary = { mode: QUICK ? 'quick' : 'full', startup_sessions: String(P.sessions), startup_lines: String(lines), startup_missing_transcripts: String(limited) }
  for (const r of results) {
    Object.assign(summary, {
      [`${r.build.label}_startup_first_health_ms`]: f0(r.firstHealthMs),
      [`${r.build.label}_startup_first_health_status`]: r.firstHealthStatus,
      [`${r.build.label}_startup_ready_ms`]: f0(r.readyMs),
      [`${r.build.label}_startup_caught_up_ms`]: f0(r.caughtMs),
      [`${r.build.label}_startup_cpu_s`]: f2(r.cpu),
      [`${r.build.label}_startup_rss_max_mib`]: f1(r.rssMax),
    })
  }
  Object.assign(summary, { load_average_start: f2(load0), load_average_end: f2(load1), node_extra_ca_certs: 'unset' })
  console.log('\nsummary:')
  for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v}`)
  const failed = results.filter((r) => !Number.isFinite(r.caughtMs) || !r.stopped.clean)
  if (failed.length) console.error(`supervisor-startup bench: ${failed.map((r) => r.build.label).join(', ')} did not catch up or did not exit cleanly`)
  return failed.length ? 1 : 0
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(`supervisor-startup bench: ${error?.stack ?? error}`)
  process.exitCode = 1
} finally {
  scratch.cleanup()
}
