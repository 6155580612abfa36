// What does a waiting supervisor cost? Idle CPU and RSS with 10 and with 1,000 sessions of history
// (restored from their state files, no events), next to a bare sleeping Node process
// (`node -e "setInterval(()=>{},1e9)"`) measured over the very same window, so each figure also reads
// as "x times a sleeping Node process". With BENCH_BASELINE (see supervisor-bench-lib.mjs) the
// baseline build idles in the same window too, on its own copy of each home.
//
// Method: each home is written (journals straight to disk), then its supervisor is started once
// and stopped, so the measured one restores from state files. Every measured process is started,
// waits for ready, then all settle for SETTLE s (V8's post-start-up memory-reducer collections run
// about 30 s after start; they are start-up, not waiting), then CPU (utime + stime from /proc, the
// process's own; the children it waited for, such as a usage estimate, are shown apart) is taken
// over the same WINDOW s, and VmRSS at its end.
// Full: settle 45 s, window 60 s (about 2.5 min). --quick: 10 and 100 sessions, settle 1 s, window 3 s.
// Goals (issue: the supervisor costs next to nothing while it waits): 10 sessions ≤ 0.1 % / ≤ 55 MiB,
// 1,000 sessions ≤ 0.5 % / ≤ 90 MiB.
//
// Usage: node bench/supervisor-idle.bench.mjs [--quick]   (needs dist/: npm run build)
// Output: a table, then a `summary:` block of `key: value` lines.
import { spawn } from 'node:child_process'
import { mkdtempSync, realpathSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { STRIPPED, builds, cpuPercent, f1, f2, f3, mib, now, procSample, startSupervisor, strippedFromParent, writeJournals, scratchSpace } from './supervisor-bench-lib.mjs'

const QUICK = process.argv.includes('--quick')
const P = QUICK ? { small: 10, large: 100, events: 20, settleS: 1, windowS: 3 } : { small: 10, large: 1000, events: 40, settleS: 45, windowS: 60 }

const scratch = scratchSpace('supervisor-idle bench')
const children = scratch.children

/** A bare Node process that sleeps: the floor every figure is compared with. */
function startBare() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9); console.log("ready")'], { stdio: ['ignore', 'pipe', 'ignore'] })
  children.add(child)
  const ready = new Promise((resolve) => child.stdout.once('data', () => resolve(now())))
  return { pid: child.pid, ready, stop: async () => child.kill('SIGTERM') }
}

async function main() {
  const list = builds()
  const load0 = loadavg()[0]
  scratch.tempRoot = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-idle-')))
  console.log('# idle supervisor benchmark')
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${f2(load0)} at start${QUICK ? ', --quick' : ''}; builds: ${list.map((b) => `${b.label} ${b.root}`).join(', ')}`)
  console.log(`env: ${STRIPPED.join(', ')} and SESSION_RETRY_* unset in every process started${strippedFromParent.length ? ` (${strippedFromParent.join(', ')} was set here)` : ''}; supervisors with SESSION_RETRY_CLAUDE_INTEGRATION=false, SESSION_RETRY_PORT=0, default monitor interval (30 s)`)
  console.log(`homes: ${P.small} and ${P.large} sessions × ${P.events} events (every 20th ends scheduled), restored from state files; settle ${P.settleS} s after ready, then CPU over the same ${P.windowS} s window for every process`)

  const runs = [{ label: 'bare node (setInterval)', key: 'bare', proc: startBare() }]
  for (const build of list) {
    for (const sessions of [P.small, P.large]) {
      const home = join(scratch.tempRoot, `${build.label}-${sessions}`)
      writeJournals(home, { sessions, events: P.events })
      // First start replays and writes the state files; the measured one restores from them.
      const first = startSupervisor(build.cli, home, { children })
      await first.ready
      await first.stop()
      const proc = startSupervisor(build.cli, home, { children })
      const readyAt = await proc.ready
      runs.push({ label: `${build.label}: ${sessions} sessions`, key: `${build.label}_${sessions}`, build: build.label, sessions, proc, readyMs: readyAt - proc.spawnedAt })
    }
  }
  await runs[0].proc.ready
  await sleep(P.settleS * 1000)
  for (const run of runs) run.a = procSample(run.proc.pid)
  await sleep(P.windowS * 1000)
  for (const run of runs) run.b = procSample(run.proc.pid)
  for (const run of runs) {
    run.cpu = cpuPercent(run.a, run.b)
    run.childCpu = cpuPercent(run.a, run.b, 'childCpu')
    run.rss = mib(run.b?.rss)
    run.stopped = run.proc.alive && !run.proc.alive() ? { clean: false, code: 'died' } : await run.proc.stop()
  }
  const bare = runs[0]
  console.log('')
  console.log('| process | ready ms | CPU % of a core | × bare | children CPU % | RSS MiB | × bare | RSS − bare MiB |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const run of runs) {
    const times = (x, y) => (y > 0 ? f1(x / y) : x > 0 ? '∞' : '1.0')
    console.log(`| ${run.label} | ${run.readyMs === undefined ? '' : f1(run.readyMs)} | ${f3(run.cpu)} | ${times(run.cpu, bare.cpu)} | ${f3(run.childCpu)} | ${f1(run.rss)} | ${times(run.rss, bare.rss)} | ${f1(run.rss - bare.rss)} |`)
  }
  console.log(`CPU resolution: 1 clock tick (${f3(100 / P.windowS / 100)} % over ${P.windowS} s); a bare sleeping Node process wakes for nothing.`)
  const load1 = loadavg()[0]
  if (Math.max(load0, load1) > cpus().length) console.log(`note: the machine was busy (load average ${f2(load0)} → ${f2(load1)} on ${cpus().length} CPUs): every figure of this run shares that load`)
  const summary = { mode: QUICK ? 'quick' : 'full', idle_window_s: String(P.windowS), idle_settle_s: String(P.settleS), bare_cpu_percent: f3(bare.cpu), bare_rss_mib: f1(bare.rss) }
  for (const run of runs.slice(1)) {
    const size = run.sessions === P.small ? 'small' : 'large'
    summary[`${run.build}_idle_${size}_sessions`] = String(run.sessions)
    summary[`${run.build}_idle_${size}_cpu_percent`] = f3(run.cpu)
    summary[`${run.build}_idle_${size}_rss_mib`] = f1(run.rss)
  }
  Object.assign(summary, { load_average_start: f2(load0), load_average_end: f2(load1), node_extra_ca_certs: 'unset' })
  console.log('\nsummary:')
  for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v}`)
  const unclean = runs.slice(1).filter((r) => !r.stopped.clean)
  if (unclean.length) console.error(`supervisor-idle bench: ${unclean.length} supervisor(s) did not exit cleanly: ${unclean.map((r) => `${r.label} ${r.stopped.code}`).join(', ')}`)
  return unclean.length ? 1 : 0
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(`supervisor-idle bench: ${error?.stack ?? error}`)
  process.exitCode = 1
} finally {
  scratch.cleanup()
}
