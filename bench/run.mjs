// Runs every bench/*.bench.mjs in turn (sorted by name) and streams its output; exits 1 if one
// fails. `npm run bench` builds dist/ first, then runs this.
// Usage: node bench/run.mjs [--quick]
// --quick is passed to every bench (fewer iterations, for a smoke run), and sets smaller defaults
// for transcript-tail.bench.mjs and parse-limit.bench.mjs, which read their sizes from the
// environment (BENCH_SIZE_MB, BENCH_RUNS, BENCH_WARMUP, BENCH_PARSE_RUNS); values already set
// in the environment win.
// Every bench runs with process.execPath and without NODE_EXTRA_CA_CERTS (≈85 ms more per Node
// start on the reference machine), NODE_OPTIONS or NODE_V8_COVERAGE, so that Node start-ups are
// measured bare.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const STRIPPED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_V8_COVERAGE']
const QUICK_ENV = { BENCH_SIZE_MB: '20', BENCH_RUNS: '20', BENCH_WARMUP: '5', BENCH_PARSE_RUNS: '200' }

function benchEnv() {
  const env = { ...process.env }
  for (const key of STRIPPED) delete env[key]
  if (quick) for (const [key, value] of Object.entries(QUICK_ENV)) env[key] ??= value
  return env
}

let current = null
// Whoever started this run may be killed without a chance to stop it (a test's time limit): a run
// whose parent is gone stops its bench and itself, instead of loading the machine for nobody.
const parent = process.ppid
setInterval(() => {
  if (process.ppid === parent) return
  current?.kill('SIGTERM')
  process.exit(1)
}, 1000).unref()

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file), ...(quick ? ['--quick'] : [])], {
      env: benchEnv(),
      stdio: 'inherit',
    })
    current = child
    child.on('error', (error) => {
      console.error(`bench: cannot start ${file}: ${error.message}`)
      resolve(1)
    })
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

async function main() {
  const files = readdirSync(here).filter((name) => name.endsWith('.bench.mjs')).sort()
  if (files.length === 0) {
    console.error('bench: no bench/*.bench.mjs found')
    return 1
  }
  console.log(`bench: ${files.length} benchmarks${quick ? ' (--quick)' : ''}; ${STRIPPED.join(', ')} unset for each`)
  const failed = []
  for (const file of files) {
    console.log(`\n=== ${file} ===`)
    const started = Date.now()
    const code = await run(file)
    console.log(`=== ${file}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`)
    if (code !== 0) failed.push(file)
  }
  if (failed.length > 0) {
    console.error(`\nbench: ${failed.length} of ${files.length} failed: ${failed.join(', ')}`)
    return 1
  }
  console.log(`\nbench: all ${files.length} benchmarks ran`)
  return 0
}

process.exitCode = await main()
