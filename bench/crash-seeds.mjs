// Runs the SIGKILL crash test (test/supervisor/crash-safety.test.ts) with many seeds, one after
// another, and reports how many held. The test kills the supervisor at seeded random moments while
// hooks append and resumes start; a seed that fails can be repeated exactly:
//   SEED=<n> npx tap --disable-coverage test/supervisor/crash-safety.test.ts
// Usage: node bench/crash-seeds.mjs [count=50] [first seed=1]   (needs `npm run build` first)
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const count = Number(process.argv[2] ?? 50)
const first = Number(process.argv[3] ?? 1)
const failed = []
const started = Date.now()
for (let seed = first; seed < first + count; seed++) {
  const run = spawnSync('npx', ['tap', '--disable-coverage', '-R', 'tap', 'test/supervisor/crash-safety.test.ts'], {
    cwd: root,
    env: { ...process.env, SEED: String(seed) },
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
    timeout: 300_000,
  })
  const ok = run.status === 0
  let kept = ''
  if (!ok) {
    failed.push(seed)
    // The whole TAP output of a failed seed, for a person to read.
    const dir = join(root, '.tap', 'crash-seeds')
    mkdirSync(dir, { recursive: true })
    kept = join(dir, `seed-${seed}.log`)
    writeFileSync(kept, `${run.stdout ?? ''}\n${run.stderr ?? ''}`)
  }
  console.log(`seed ${seed}: ${ok ? 'held' : `FAILED (exit ${run.status ?? run.signal}), output in ${kept}`}`)
}
const minutes = ((Date.now() - started) / 60_000).toFixed(1)
console.log(`${count - failed.length} of ${count} seeds held in ${minutes} min${failed.length ? `; failed: ${failed.join(', ')}` : ''}`)
process.exitCode = failed.length ? 1 : 0
