// Does reading a transcript's limit row cost the same for a 500 MB transcript as for a 1 KB one?
// (Facts §3: transcripts reach hundreds of MB; the reader must touch only the tail.)
// Usage: npm run build && env -u NODE_EXTRA_CA_CERTS node bench/transcript-tail.bench.mjs
// Options (env): BENCH_SIZE_MB (500), BENCH_RUNS (200), BENCH_WARMUP (50). Goal: ratio < 1.2.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { readTranscriptLimit } from '../dist/src/limits/read-transcript-limit.js'

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 500)
const RUNS = Number(process.env.BENCH_RUNS ?? 200)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50)
const SESSION = '0a38c5e2-1b7f-4d7e-9a51-2f6c1d0e9b11'
const OPTIONS = { now: Date.parse('2026-11-25T03:02:00Z'), timeZone: 'UTC', retries: 0 }

// Row shapes as Claude Code 2.1.331 writes them (docs/claude-code.md#transcript-limit-rows): a prompt, a tool call, its result, an answer.
function turn(n) {
  const base = { sessionId: SESSION, cwd: '/home/u/app', isSidechain: false, version: '2.1.331', gitBranch: 'main' }
  const at = new Date(Date.parse('2026-11-20T00:00:00Z') + n * 1000).toISOString()
  return [
    { ...base, type: 'user', uuid: `u-${n}`, parentUuid: `a2-${n - 1}`, timestamp: at, message: { role: 'user', content: `Please refactor module ${n} and run the tests.` } },
    { ...base, type: 'assistant', uuid: `a1-${n}`, parentUuid: `u-${n}`, timestamp: at, requestId: `req_${n}`,
      message: { id: `msg_${n}a`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use',
        content: [{ type: 'tool_use', id: `toolu_${n}`, name: 'Bash', input: { command: 'npm test', description: 'Run the tests' } }],
        usage: { input_tokens: 1200 + n % 97, output_tokens: 88, cache_read_input_tokens: 40211 } } },
    { ...base, type: 'user', uuid: `r-${n}`, parentUuid: `a1-${n}`, timestamp: at,
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${n}`, content: `ok ${n} - test passes\n`.repeat(60) }] },
      toolUseResult: { stdout: `ok ${n} - test passes\n`.repeat(20), stderr: '', interrupted: false } },
    { ...base, type: 'assistant', uuid: `a2-${n}`, parentUuid: `r-${n}`, timestamp: at, requestId: `req_${n}b`,
      message: { id: `msg_${n}b`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'end_turn',
        content: [{ type: 'text', text: `Done: module ${n} is refactored and all tests pass. ✓ Résumé of the changes follows. `.repeat(8) }],
        usage: { input_tokens: 1300, output_tokens: 412 } } },
  ]
}

const limitRow = {
  type: 'assistant', uuid: 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01', timestamp: '2026-11-25T03:01:15.959Z', sessionId: SESSION,
  cwd: '/home/u/app', isSidechain: false,
  message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:01am (UTC)" }] },
  apiError: 'usage_limit_reached',
  apiErrorParams: { rate_limit_info: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour', isUsingOverage: false } },
  quotaLimits: { status: 'rejected', resetsAt: 1795579275, unifiedRateLimitFallbackAvailable: false, rateLimitType: 'five_hour', isUsingOverage: false },
  error: 'rate_limit', isApiErrorMessage: true, apiErrorStatus: 429, apiErrorType: 'rate_limit_error', version: '2.1.331',
}

const line = (row) => JSON.stringify(row) + '\n'

function writeBig(path, megabytes) {
  const fd = openSync(path, 'w')
  try {
    let written = 0
    for (let n = 0; written < megabytes * 1024 * 1024; n++) {
      // Vary the rows so the file is not one block repeated.
      written += writeSync(fd, turn(n).map(line).join(''))
    }
    writeSync(fd, line({ ...turn(1e9)[0], uuid: 'last-prompt' }))
    writeSync(fd, line(limitRow))
  } finally {
    closeSync(fd)
  }
}

function writeSmall(path) {
  const fd = openSync(path, 'w')
  writeSync(fd, line({ type: 'user', uuid: 'u-1', timestamp: '2026-11-25T03:01:14.000Z', sessionId: SESSION, message: { role: 'user', content: 'hi' } }))
  writeSync(fd, line(limitRow))
  closeSync(fd)
}

async function timeOnce(path) {
  const start = performance.now()
  const result = await readTranscriptLimit(path, OPTIONS)
  const ms = performance.now() - start
  if (!result.ok || result.limit?.resetAt !== 1795579275000) throw new Error(`wrong result for ${path}`)
  return ms
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

async function main() {
  if (process.env.NODE_EXTRA_CA_CERTS) console.warn('warning: NODE_EXTRA_CA_CERTS is set; unset it for stable numbers')
  const dir = mkdtempSync(join(tmpdir(), 'transcript-tail-bench-'))
  const big = join(dir, 'big.jsonl')
  const small = join(dir, 'small.jsonl')
  try {
    const t0 = performance.now()
    writeBig(big, SIZE_MB)
    writeSmall(small)
    console.log(`files: big ${(statSync(big).size / 2 ** 20).toFixed(1)} MiB (written in ${((performance.now() - t0) / 1000).toFixed(1)} s), small ${statSync(small).size} B`)
    for (let i = 0; i < WARMUP; i++) {
      await timeOnce(big)
      await timeOnce(small)
    }
    const bigTimes = []
    const smallTimes = []
    // Interleaved, so drift in machine load hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      bigTimes.push(await timeOnce(big))
      smallTimes.push(await timeOnce(small))
    }
    const mb = median(bigTimes)
    const ms = median(smallTimes)
    console.log(`runs: ${RUNS} each after ${WARMUP} warm-up runs`)
    console.log(`median big:   ${(mb * 1000).toFixed(1)} µs`)
    console.log(`median small: ${(ms * 1000).toFixed(1)} µs`)
    console.log(`ratio big/small: ${(mb / ms).toFixed(3)} (goal < 1.2) ${mb / ms < 1.2 ? 'OK' : 'OVER'}`)
  } finally {
    rmSync(dir, { recursive: true, force: true }) // never leave 500 MB behind
  }
}

await main()
