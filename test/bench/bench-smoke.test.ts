// The benchmarks still run: `node bench/run.mjs --quick` (a few iterations of each) exits 0 and
// prints each bench's summary lines. Timings are not asserted, only the shape of the output the
// README quotes. Needs dist/ built (npm test builds it first).
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
// Seven benchmarks, each a few seconds alone; beside the rest of the suite on two busy cores, minutes.
t.setTimeout(420_000)

interface Run { code: number | null; out: string; err: string }

/**
 * Through `env -u`: tap's process-info hook adds its `--import` to NODE_OPTIONS of every process
 * this test spawns, whatever `env` says, and would then load into every Node process the
 * benchmark times. `env` removes it (and NODE_EXTRA_CA_CERTS) before node starts.
 */
function runQuick(): Promise<Run> {
  const args = ['-u', 'NODE_OPTIONS', '-u', 'NODE_EXTRA_CA_CERTS', '-u', 'NODE_V8_COVERAGE', process.execPath, 'bench/run.mjs', '--quick']
  return new Promise((resolve, reject) => {
    const child = spawn('env', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), 360_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}

/** What run.mjs printed between `=== <file> ===` and `=== <file>: ...`. */
function section(out: string, file: string): string {
  const start = out.indexOf(`=== ${file} ===\n`)
  const end = out.indexOf(`=== ${file}: `, start)
  return start < 0 || end < 0 ? '' : out.slice(start, end)
}

/** `key: value` lines after the last `summary:` line. */
function summary(out: string): Record<string, string> {
  const at = out.lastIndexOf('\nsummary:\n')
  if (at < 0) return {}
  const fields: Record<string, string> = {}
  for (const line of out.slice(at + '\nsummary:\n'.length).split('\n')) {
    const m = /^([a-z0-9_]+): (.+)$/.exec(line)
    if (!m) break
    fields[m[1]!] = m[2]!
  }
  return fields
}

/** every bench/*.bench.mjs, as run.mjs finds them (other engineers add benches) */
const benches = readdirSync(join(root, 'bench')).filter((name) => name.endsWith('.bench.mjs')).sort()
const run = await runQuick()
const diagnostics = `--- stdout ---\n${run.out}\n--- stderr ---\n${run.err}`

t.test('bench/run.mjs --quick runs every bench and exits 0', async (t) => {
  if (!t.equal(run.code, 0, 'exit code 0')) t.comment(diagnostics)
  t.ok(benches.includes('hook-startup.bench.mjs') && benches.includes('transcript-tail.bench.mjs'), 'both known benches are there')
  const n = benches.length
  t.match(run.out, new RegExp(`^bench: ${n} benchmarks \\(--quick\\); NODE_EXTRA_CA_CERTS, NODE_OPTIONS, NODE_V8_COVERAGE unset for each$`, 'm'))
  for (const file of benches) {
    t.match(run.out, new RegExp(`^=== ${file.replaceAll('.', '\\.')}: ok in \\d+\\.\\d s ===$`, 'm'), `${file} ran and passed`)
  }
  t.match(run.out, new RegExp(`^bench: all ${n} benchmarks ran$`, 'm'))
  t.notMatch(run.out + run.err, /warning: NODE_EXTRA_CA_CERTS is set/, 'the benches saw no NODE_EXTRA_CA_CERTS')
})

t.test('hook-startup prints its table and summary', async (t) => {
  const out = section(run.out, 'hook-startup.bench.mjs')
  t.match(out, /^processes: N=8 each after 2 warm-up rounds/m)
  for (const v of ['a', 'b', 'c', 'd']) t.match(out, new RegExp(`^\\| ${v} \\| .+ \\| 8 \\| \\d+\\.\\d \\| \\d+\\.\\d \\| \\d+\\.\\d \\| \\d+\\.\\d\\d \\|$`, 'm'), `row ${v}`)
  t.match(out, /^b ÷ a = \d+\.\d\d \(goal ≤ 1\.15\) (OK|OVER)$/m)

  const s = summary(out)
  const ms = /^\d+\.\d$/
  const ratio = /^\d+\.\d\d$/
  const signedMs = /^-?\d+\.\d$/
  t.match(s, {
    node_start_median_ms: ms,
    hook_stage1_median_ms: ms,
    journal_line_median_ms: ms,
    stage2_alone_median_ms: ms,
    hook_stage1_ratio: ratio,
    journal_line_ratio: ratio,
    stage2_ratio: ratio,
    process_runs_each: '8',
    claude_without_plugin_median_ms: ms,
    claude_with_plugin_median_ms: ms,
    claude_plugin_disabled_median_ms: ms,
    claude_plugin_overhead_ms: signedMs,
    claude_plugin_overhead_node_starts: /^-?\d+\.\d\d$/,
    claude_plugin_overhead_interval_ms: /^-?\d+\.\d\.\.-?\d+\.\d$/,
    claude_hook_machinery_ms: signedMs,
    claude_plugin_overhead_paired_ms: signedMs,
    claude_plugin_overhead_paired_interval_ms: /^-?\d+\.\d\.\.-?\d+\.\d$/,
    claude_hook_machinery_paired_ms: signedMs,
    claude_our_stages_ms: signedMs,
    claude_our_stages_paired_ms: signedMs,
    claude_our_stages_node_starts: /^-?\d+\.\d\d$/,
    claude_runs_each: '1',
    claude_plugin_journal_complete: '1/1',
    load_average_start: ratio,
    load_average_end: ratio,
    node_extra_ca_certs: 'unset',
  })
  // With GNU time (Linux), the CLI's CPU time too.
  const gnuTime = spawnSync('/usr/bin/time', ['-f', '%U %S', 'true'], { encoding: 'utf8' })
  if (gnuTime.status === 0 && /^\d+\.\d+ \d+\.\d+\s*$/.test(gnuTime.stderr)) {
    t.match(s, {
      claude_cpu_without_plugin_median_ms: ms,
      claude_cpu_with_plugin_median_ms: ms,
      claude_cpu_plugin_disabled_median_ms: ms,
      claude_cpu_plugin_overhead_ms: signedMs,
    }, 'CPU times')
  } else {
    t.equal(s.claude_cpu_plugin_overhead_ms, undefined, 'no GNU time, no CPU times')
  }
  // Hook durations from `claude --debug` logs (the format of the pinned 2.1.331)
  t.match(s, {
    claude_logged_hook_ms_with: ms,
    claude_logged_hook_ms_disabled: ms,
    claude_logged_stage1_ms: signedMs,
    claude_logged_stage1_node_starts: /^-?\d+\.\d\d$/,
    claude_logged_hook_events: 'SessionStart,UserPromptSubmit,Stop',
  }, 'hook durations logged by Claude Code')
  // The ratios are the medians' quotients, as printed (rounding aside).
  const unit = Number(s.node_start_median_ms)
  t.ok(Math.abs(Number(s.hook_stage1_ratio) - Number(s.hook_stage1_median_ms) / unit) < 0.02, 'hook_stage1_ratio = b / a')
  t.ok(Math.abs(Number(s.stage2_ratio) - Number(s.stage2_alone_median_ms) / unit) < 0.02, 'stage2_ratio = d / a')
})

t.test('transcript-tail prints its medians and ratio', async (t) => {
  const out = section(run.out, 'transcript-tail.bench.mjs')
  t.match(out, /^files: big 20\.0 MiB/m, '--quick sets a 20 MB transcript')
  t.match(out, /^runs: 20 each after 5 warm-up runs$/m)
  t.match(out, /^ratio big\/small: \d+\.\d{3} \(goal < 1\.2\) (OK|OVER)$/m)
})
