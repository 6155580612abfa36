// What does reading a limit banner cost? parseLimitMessage on a 10 KB terminal text, with and
// without a banner in it, against a bare regex scan of the same text (the cheapest detector a
// wrapper could use), in one run so the ratios compare like with like.
// Usage: npm run build && env -u NODE_EXTRA_CA_CERTS node bench/parse-limit.bench.mjs [--quick]
// Options (env): BENCH_PARSE_RUNS (2000 samples; --quick via bench/run.mjs sets 200).
import { performance } from 'node:perf_hooks'
import { parseLimitMessage } from '../dist/src/limits/parse-limit-message.js'

const RUNS = Number(process.env.BENCH_PARSE_RUNS ?? (process.argv.includes('--quick') ? 200 : 2000))
const WARMUP = Math.max(20, RUNS >> 3)
const SIZE = 10 * 1024
const OPTIONS = { now: Date.parse('2026-07-13T07:00:00Z'), timeZone: 'Asia/Tokyo' }
const BANNER = "⏺ You've hit your session limit · resets 8:30pm (Asia/Tokyo)\n  /upgrade to increase your usage limit."
// A bare detector of the kind wrappers use: one regex over the whole text.
const BARE_RE = /(?:you'?ve hit your|limit reached)[^\n]*?resets?\s+([^\n]+)/i

// A TUI session as a capture holds it: tool calls, results with colour codes, answers, a
// status line that mentions limits (look-alikes the parser must read and reject).
function screen(size) {
  const parts = []
  for (let n = 0; parts.join('\n').length < size; n++) {
    parts.push(
      `⏺ Bash(npm test -- --grep "module ${n}")`,
      `  ⎿  \u001b[32m✓\u001b[39m ${40 + (n % 7)} passing (${120 + n} ms)`,
      `⏺ Module ${n} is refactored; the rate limit in the HTTP client keeps its 5-hour window.`,
      `  proj git:(main) | Opus 5 | 5h: ${n % 90}% (resets in 2h) | 7d: 29%`,
    )
  }
  return parts.join('\n').slice(0, size)
}

const withoutBanner = screen(SIZE)
const withBanner = `${withoutBanner.slice(0, SIZE - BANNER.length - 1)}\n${BANNER}`

// One sample times a batch, so each sample lasts well above the timer's resolution.
function sample(fn, batch) {
  const start = performance.now()
  for (let i = 0; i < batch; i++) fn()
  return ((performance.now() - start) / batch) * 1000 // µs per call
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function main() {
  if (process.env.NODE_EXTRA_CA_CERTS) console.warn('warning: NODE_EXTRA_CA_CERTS is set; unset it for stable numbers')
  const cases = {
    parse_no_banner: () => parseLimitMessage(withoutBanner, OPTIONS),
    parse_banner: () => parseLimitMessage(withBanner, OPTIONS),
    regex_no_banner: () => BARE_RE.exec(withoutBanner),
    regex_banner: () => BARE_RE.exec(withBanner),
  }
  if (parseLimitMessage(withBanner, OPTIONS).resetAt !== Date.parse('2026-07-13T11:30:00Z')) throw new Error('wrong reset for the banner text')
  if (parseLimitMessage(withoutBanner, OPTIONS).category !== 'none') throw new Error('a banner found in the text without one')
  if (!BARE_RE.exec(withBanner) || BARE_RE.exec(withoutBanner)) throw new Error('the bare regex misreads the texts')
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (let i = 0; i < WARMUP; i++) for (const fn of Object.values(cases)) sample(fn, 5)
  // Interleaved, so drift in machine load hits every case alike.
  for (let i = 0; i < RUNS; i++) for (const [k, fn] of Object.entries(cases)) times[k].push(sample(fn, 5))
  const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]))
  console.log(`text: ${withoutBanner.length} characters (${withoutBanner.split('\n').length} lines); runs: ${RUNS} samples of 5 calls each after ${WARMUP} warm-up rounds`)
  console.log('| case | median µs per call |')
  console.log('| --- | --- |')
  for (const [k, v] of Object.entries(m)) console.log(`| ${k} | ${v.toFixed(1)} |`)
  const f2 = (x) => x.toFixed(2)
  console.log('')
  console.log('summary:')
  console.log(`parse_no_banner_us: ${m.parse_no_banner.toFixed(1)}`)
  console.log(`parse_banner_us: ${m.parse_banner.toFixed(1)}`)
  console.log(`regex_no_banner_us: ${m.regex_no_banner.toFixed(1)}`)
  console.log(`regex_banner_us: ${m.regex_banner.toFixed(1)}`)
  console.log(`ratio_no_banner: ${f2(m.parse_no_banner / m.regex_no_banner)}`)
  console.log(`ratio_banner: ${f2(m.parse_banner / m.regex_banner)}`)
  console.log(`text_chars: ${withoutBanner.length}`)
}

main()
