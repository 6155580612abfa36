// How the supervisor learns that a journal grew: chokidar 5 (as the supervisor used it until this
// bench was written: the events folder, depth 0, a trailing read 100 ms after each event) against
// one fs.watch on the folder (src/supervisor/journal-watcher.ts, from dist/). Each runs alone in a
// child process that reads every journal it is told about from its offset to the end, as the
// supervisor does; this process appends lines to random journals at a fixed rate.
// Measured per watcher: RSS once watching (idle), CPU while lines arrive, RSS max, time from an
// append to the watcher process having read that line (p50/p99/max), and lines the watcher never
// led to (the supervisor's periodic reconcile would catch them, seconds later).
// Full: 1,000 journals, 100 appends/s for 30 s. --quick: 100 journals, 50/s for 2 s.
//
// Usage: node bench/journal-watcher.bench.mjs [--quick]   (needs dist/: npm run build)
// Output: a table, then a `summary:` block of `key: value` lines.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ROOT, cpuPercent, f1, f2, mib, now, procSample } from './supervisor-bench-lib.mjs'

const QUICK = process.argv.includes('--quick')
const P = QUICK ? { journals: 100, rate: 50, seconds: 2 } : { journals: 1000, rate: 100, seconds: 30 }
const TRAILING_READ_MS = 100
const VARIANTS = ['chokidar', 'fs.watch']

// ---------------------------------------------------------------- the watcher child (--watcher)

if (process.argv[2] === '--watcher') {
  const [variant, eventsDir, spoolDir] = process.argv.slice(3)
  const offsets = new Map()
  const seen = []
  const buffer = Buffer.alloc(1 << 20)
  // What the supervisor's drain does, synchronously: read from the offset to the end, whole lines.
  const read = (id) => {
    const fd = openSync(join(eventsDir, `${id}.jsonl`), 'r')
    try {
      let offset = offsets.get(id) ?? 0
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, offset)
        if (n === 0) break
        const text = buffer.subarray(0, n).toString('utf8')
        const end = text.lastIndexOf('\n')
        if (end === -1) break
        const t = now()
        for (const line of text.slice(0, end).split('\n')) {
          const m = /^\{"n":(\d+)/.exec(line)
          if (m) seen.push(`${m[1]} ${t.toFixed(3)}`)
        }
        offset += Buffer.byteLength(text.slice(0, end + 1))
      }
      offsets.set(id, offset)
    } finally {
      closeSync(fd)
    }
  }
  let stop
  if (variant === 'chokidar') {
    const { watch } = await import('chokidar')
    const trailing = new Map()
    const changed = (path) => {
      const id = basename(path, '.jsonl')
      read(id)
      clearTimeout(trailing.get(id))
      trailing.set(id, setTimeout(() => read(id), TRAILING_READ_MS))
    }
    const watcher = watch(eventsDir, { ignoreInitial: true, depth: 0, ignored: (path, stats) => !!stats?.isFile() && !path.endsWith('.jsonl') })
    watcher.on('add', changed).on('change', changed)
    await new Promise((resolve) => watcher.once('ready', resolve))
    stop = () => watcher.close()
  } else {
    const { JournalWatcher } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'supervisor', 'journal-watcher.js')).href)
    const watcher = new JournalWatcher({ eventsDir, spoolDir, onJournal: read, onSpool: () => {}, onError: () => {}, appliedOffset: (id) => offsets.get(id) ?? 0 })
    await watcher.start()
    stop = () => watcher.stop()
  }
  // Start from the end of every journal: only the appends of the load count.
  for (const name of (await import('node:fs')).readdirSync(eventsDir)) read(basename(name, '.jsonl'))
  seen.length = 0
  process.stdout.write('ready\n')
  createInterface({ input: process.stdin }).once('line', async () => {
    await stop()
    process.stdout.write(seen.join('\n') + '\ndone\n', () => process.exit(0))
  })
} else {
  process.exitCode = await main()
}

// ---------------------------------------------------------------- the bench

async function main() {
  const load0 = loadavg()[0]
  const tempRoot = realpathSync(mkdtempSync(join(tmpdir(), 'ssr-bench-watcher-')))
  const children = new Set()
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(tempRoot, { recursive: true, force: true })
  })
  try {
    console.log('# journal watcher benchmark: chokidar 5 against one fs.watch')
    console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${f2(load0)} at start${QUICK ? ', --quick' : ''}`)
    console.log(`${P.journals} journals, ${P.rate} appends/s for ${P.seconds} s to random journals; each watcher alone in its own process, which reads what it is told about`)
    const results = []
    for (const variant of VARIANTS) results.push(await measure(variant, join(tempRoot, variant.replace('.', '-')), children))
    console.log('')
    console.log('| watcher | RSS watching MiB | CPU % of a core under load | RSS max MiB | append → read p50 ms | p99 ms | max ms | lines never read | line reads |')
    console.log('|---|---|---|---|---|---|---|---|---|')
    for (const r of results) {
      console.log(`| ${r.variant} | ${f1(r.rssIdle)} | ${f1(r.cpu)} | ${f1(r.rssMax)} | ${f1(r.p50)} | ${f1(r.p99)} | ${f1(r.max)} | ${r.missed} of ${r.written} | ${r.reads} |`)
    }
    const load1 = loadavg()[0]
    if (Math.max(load0, load1) > cpus().length) console.log(`note: the machine was busy (load average ${f2(load0)} → ${f2(load1)} on ${cpus().length} CPUs)`)
    const summary = { journals: String(P.journals), appends_per_s: String(P.rate), seconds: String(P.seconds) }
    for (const r of results) {
      const k = r.variant.replace('.', '_')
      Object.assign(summary, {
        [`${k}_rss_watching_mib`]: f1(r.rssIdle),
        [`${k}_cpu_percent`]: f1(r.cpu),
        [`${k}_rss_max_mib`]: f1(r.rssMax),
        [`${k}_latency_p99_ms`]: f1(r.p99),
        [`${k}_latency_max_ms`]: f1(r.max),
        [`${k}_lines_never_read`]: String(r.missed),
      })
    }
    Object.assign(summary, { load_average_start: f2(load0), load_average_end: f2(load1) })
    console.log('\nsummary:')
    for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${v}`)
    return results.every((r) => r.written === P.rate * P.seconds) ? 0 : 1
  } catch (error) {
    console.error(`journal-watcher bench: ${error?.stack ?? error}`)
    return 1
  }
}

async function measure(variant, dir, children) {
  const eventsDir = join(dir, 'events')
  const spoolDir = join(dir, 'spool')
  mkdirSync(eventsDir, { recursive: true })
  mkdirSync(spoolDir, { recursive: true })
  const ids = Array.from({ length: P.journals }, () => randomUUID())
  for (const id of ids) writeFileSync(join(eventsDir, `${id}.jsonl`), `{"n":-1,"seed":"${'x'.repeat(200)}"}\n`)
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--watcher', variant, eventsDir, spoolDir], { stdio: ['pipe', 'pipe', 'inherit'] })
  children.add(child)
  const lines = createInterface({ input: child.stdout })
  const out = []
  let readyResolve
  const ready = new Promise((resolve) => (readyResolve = resolve))
  const done = new Promise((resolve) => lines.on('line', (line) => (line === 'ready' ? readyResolve() : line === 'done' ? resolve() : out.push(line))))
  await ready
  await sleep(500)
  const idle = procSample(child.pid)
  const samples = [idle]
  const sampler = setInterval(() => samples.push(procSample(child.pid)), 250)
  const written = []
  const t0 = now()
  const total = P.rate * P.seconds
  for (let n = 0; n < total; n++) {
    const wait = t0 + (n * 1000) / P.rate - now()
    if (wait > 0.5) await sleep(wait)
    appendFileSync(join(eventsDir, `${ids[Math.floor(Math.random() * ids.length)]}.jsonl`), `{"n":${n},"event":"Stop","lastAssistantMessage":"${'y'.repeat(300)}"}\n`)
    written[n] = now()
  }
  await sleep(2000)
  clearInterval(sampler)
  const end = procSample(child.pid)
  samples.push(end)
  child.stdin.write('stop\n')
  await done
  child.stdin.end()
  const first = new Map()
  for (const line of out) {
    const [n, t] = line.split(' ').map(Number)
    if (!first.has(n)) first.set(n, t)
  }
  const lat = []
  for (let n = 0; n < total; n++) if (first.has(n)) lat.push(first.get(n) - written[n])
  lat.sort((a, b) => a - b)
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * (lat.length - 1)))] : NaN)
  return {
    variant,
    written: written.length,
    reads: out.length,
    missed: total - lat.length,
    rssIdle: mib(idle.rss),
    rssMax: mib(Math.max(...samples.filter(Boolean).map((s) => s.rss))),
    cpu: cpuPercent(idle, end),
    p50: q(0.5),
    p99: q(0.99),
    max: lat.at(-1),
  }
}
