// The estimate, from the real ccusage (18.0.11, the devDependency) run against transcripts this
// test writes into a temporary HOME. Row shape: what ccusage's `usageDataSchema` accepts
// (dist/data-loader-*.js): `timestamp` and `message.usage.{input,output}_tokens` are required;
// `message.id` + `requestId` de-duplicate; the model picks the (offline) price.
import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CCUSAGE_MAX_BUFFER, CCUSAGE_TIMEOUT_MS, CcusageSource, MAX_BACKOFF_DOUBLINGS, DEFAULT_CCUSAGE_BIN, ccusageArgs, ccusageBin, parseCcusageBlocks,
  runCcusage, type CcusageEstimate,
} from '../../src/usage/ccusage-source.js'

const CCUSAGE = fileURLToPath(new URL('../../node_modules/.bin/ccusage', import.meta.url))
const HOUR = 3_600_000

interface Tokens { input: number; output: number; cacheCreation: number; cacheRead: number }

function row(at: number, id: string, tokens: Tokens): string {
  return JSON.stringify({
    type: 'assistant',
    sessionId: 'c0ffee00-0000-4000-8000-000000000001',
    cwd: '/tmp/project',
    version: '2.1.331',
    timestamp: new Date(at).toISOString(),
    requestId: `req_${id}`,
    message: {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      content: [{ type: 'text', text: 'hi' }],
      usage: {
        input_tokens: tokens.input,
        output_tokens: tokens.output,
        cache_creation_input_tokens: tokens.cacheCreation,
        cache_read_input_tokens: tokens.cacheRead,
      },
    },
  })
}

const total = (x: Tokens) => x.input + x.output + x.cacheCreation + x.cacheRead

/** A HOME whose ~/.claude/projects holds one transcript with these rows. */
function claudeHome(t: Test, rows: string[]): string {
  const home = t.testdir({})
  const dir = join(home, '.claude', 'projects', '-tmp-project')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'c0ffee00-0000-4000-8000-000000000001.jsonl'), rows.join('\n') + '\n')
  return home
}

const envFor = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, TZ: 'UTC' })

/** A script usable as SESSION_RETRY_CCUSAGE_BIN (a node script: no shell children). */
function fakeBin(t: Test, body: string): string {
  const path = join(t.testdir({}), 'ccusage')
  writeFileSync(path, `#!${process.execPath}\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

t.test('constants are pinned', async t => {
  t.equal(CCUSAGE_TIMEOUT_MS, 10_000)
  t.equal(CCUSAGE_MAX_BUFFER, 4 * 1024 * 1024)
  t.equal(DEFAULT_CCUSAGE_BIN, 'ccusage')
  t.same(ccusageArgs(), ['blocks', '--active', '--json', '--offline', '--token-limit', 'max'])
  t.same(ccusageArgs(500_000), ['blocks', '--active', '--json', '--offline', '--token-limit', '500000'])
  t.equal(ccusageBin({}), 'ccusage')
  t.equal(ccusageBin({ SESSION_RETRY_CCUSAGE_BIN: '/opt/ccusage' }), '/opt/ccusage')
})

t.test('the real ccusage: the active block, as ccusage reports it and as the token counts say', async t => {
  const now = Date.now()
  // an earlier, finished block two days ago: ccusage's `--token-limit max` takes its size as the limit
  const old: Tokens = { input: 2_000, output: 3_000, cacheCreation: 500, cacheRead: 500 }
  // the active block: three turns within the last 30 minutes
  const active: Tokens[] = [
    { input: 100, output: 200, cacheCreation: 50, cacheRead: 25 },
    { input: 120, output: 300, cacheCreation: 0, cacheRead: 400 },
    { input: 80, output: 150, cacheCreation: 10, cacheRead: 15 },
  ]
  const rows = [
    row(now - 48 * HOUR, 'old1', old),
    row(now - 48 * HOUR + 60_000, 'old2', old),
    ...active.map((tokens, i) => row(now - 30 * 60_000 + i * 10 * 60_000, `a${i}`, tokens)),
    row(now - 10 * 60_000, 'a2', active[2]!), // the same message twice: counted once
  ]
  const home = claudeHome(t, rows)

  const usage = await runCcusage({ bin: CCUSAGE, env: envFor(home), now })
  t.equal(usage.status, 'ok', JSON.stringify(usage))
  const estimate = usage as CcusageEstimate

  // what ccusage itself says
  const own = JSON.parse(execFileSync(CCUSAGE, ccusageArgs(), { env: envFor(home), encoding: 'utf8' })) as {
    blocks: Array<{ totalTokens: number; endTime: string; startTime: string; projection: { totalTokens: number }; tokenLimitStatus: { limit: number; percentUsed: number } }>
  }
  t.equal(own.blocks.length, 1)
  const block = own.blocks[0]!
  t.equal(estimate.usedTokens, block.totalTokens, 'used tokens as ccusage reports')
  t.equal(estimate.tokenLimit, block.tokenLimitStatus.limit, 'limit as ccusage reports')
  t.equal(estimate.resetsAt, block.endTime, 'block end as ccusage reports')
  t.equal(estimate.blockStart, block.startTime)
  t.ok(Math.abs(estimate.projectedTokens! - block.projection.totalTokens) <= block.projection.totalTokens * 0.05,
    `projection close to ccusage's own (${estimate.projectedTokens} vs ${block.projection.totalTokens}; each run projects from its own clock)`)

  // what the token counts written above say
  const used = active.map(total).reduce((a, b) => a + b, 0)
  const limit = 2 * total(old)
  t.equal(estimate.usedTokens, used, `${used} tokens in the active block`)
  t.equal(estimate.tokenLimit, limit, 'the largest earlier block')
  t.equal(estimate.usedPercentage, (used / limit) * 100)
  const start = new Date(now - 30 * 60_000)
  start.setUTCMinutes(0, 0, 0)
  t.equal(estimate.resetsAt, new Date(start.getTime() + 5 * HOUR).toISOString(), 'the first turn’s hour + 5 h')
  t.equal(estimate.active, true)
  t.ok(estimate.projectedPercentage! > estimate.usedPercentage!, 'the projection is above the use so far')
  t.ok(estimate.costUSD! > 0, 'priced offline')
})

t.test('the real ccusage with a fixed token limit, and with no recent use', async t => {
  const now = Date.now()
  const tokens: Tokens = { input: 1_000, output: 1_000, cacheCreation: 0, cacheRead: 0 }
  const home = claudeHome(t, [row(now - 20 * 60_000, 'x1', tokens)])
  const fixed = await runCcusage({ bin: CCUSAGE, env: envFor(home), now, tokenLimit: 8_000 })
  t.match(fixed, { status: 'ok', active: true, usedTokens: 2_000, tokenLimit: 8_000, usedPercentage: 25 })

  const noLimit = await runCcusage({ bin: CCUSAGE, env: envFor(home), now })
  t.match(noLimit, { status: 'ok', active: true, usedTokens: 2_000, tokenLimit: null, usedPercentage: null }, 'no earlier block: no limit')

  const idleHome = claudeHome(t, [row(now - 30 * HOUR, 'y1', tokens)])
  const idle = await runCcusage({ bin: CCUSAGE, env: envFor(idleHome), now })
  t.match(idle, { status: 'ok', active: false, usedTokens: 0, usedPercentage: 0, resetsAt: null })
})

t.test('failures are values: missing, failing, hanging, garbage', async t => {
  const now = Date.now()
  const missing = await runCcusage({ bin: join(t.testdir({}), 'no-such-ccusage'), env: {}, now })
  t.match(missing, { status: 'unknown', code: 'missing', reason: /not found/ })

  const fromEnv = await runCcusage({ env: { PATH: '/nonexistent', SESSION_RETRY_CCUSAGE_BIN: 'ccusage-not-installed' }, now })
  t.match(fromEnv, { status: 'unknown', code: 'missing', reason: /ccusage-not-installed/ })

  const notExecutable = join(t.testdir({ ccusage: 'echo hi' }), 'ccusage')
  t.match(await runCcusage({ bin: notExecutable, env: {}, now }), { status: 'unknown', code: 'missing', reason: /not executable/ })

  // the real ccusage in a HOME without ~/.claude: exit 1 and a stack; the reason is its one line
  const failed = await runCcusage({ bin: CCUSAGE, env: envFor(t.testdir({})), now })
  t.match(failed, { status: 'unknown', code: 'failed', reason: /^ccusage exited with code 1: Error: No valid Claude data directories found/ })
  t.notMatch((failed as { reason: string }).reason, /\n|at getClaudePaths/, 'one line, no stack')

  const hanging = fakeBin(t, 'setInterval(() => {}, 1000)')
  const started = Date.now()
  const timedOut = await runCcusage({ bin: hanging, env: {}, now, timeoutMs: 300 })
  const ms = Date.now() - started
  t.match(timedOut, { status: 'unknown', code: 'timeout', reason: 'ccusage did not answer within 300 ms' })
  t.ok(ms < 5_000, `gave up after ${ms} ms`)

  const killed = fakeBin(t, "setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM')")
  t.match(await runCcusage({ bin: killed, env: {}, now }), { status: 'unknown', code: 'failed', reason: /killed by SIGTERM/ })

  const garbage = fakeBin(t, "process.stdout.write('Using max tokens from previous sessions')")
  t.match(await runCcusage({ bin: garbage, env: {}, now }), { status: 'unknown', code: 'bad-output' })

  const flood = fakeBin(t, "process.stdout.write('x'.repeat(100000))")
  t.match(await runCcusage({ bin: flood, env: {}, now, maxBuffer: 1000 }), { status: 'unknown', code: 'bad-output', reason: /output limit/ })

  t.match(await runCcusage({ bin: 'bad\0name', env: {}, now }), { status: 'unknown', code: 'failed', reason: /could not start/ })
})

t.test('parseCcusageBlocks: shapes ccusage 18.0.11 prints', async t => {
  const now = Date.parse('2026-11-25T04:33:00Z')
  t.match(parseCcusageBlocks('{"blocks":[]}', now), { status: 'ok', active: false, usedPercentage: 0, checkedAt: '2026-11-25T04:33:00.000Z' })
  t.match(parseCcusageBlocks('{"blocks":[],"message":"No active block"}', now), { status: 'ok', active: false })
  t.match(parseCcusageBlocks('{"nothing":1}', now), { status: 'unknown', code: 'bad-output' })
  t.match(parseCcusageBlocks('{"blocks":[{"isActive":true}]}', now), { status: 'unknown', code: 'bad-output', reason: /totalTokens/ })
  // verbatim `ccusage blocks --active --json --offline --token-limit max` output, 2026-11-25
  const real = {
    blocks: [{
      id: '2026-11-25T04:00:00.000Z', startTime: '2026-11-25T04:00:00.000Z', endTime: '2026-11-25T09:00:00.000Z',
      actualEndTime: '2026-11-25T04:23:19.163Z', isActive: true, isGap: false, entries: 3,
      tokenCounts: { inputTokens: 300, outputTokens: 600, cacheCreationInputTokens: 150, cacheReadInputTokens: 75 },
      totalTokens: 1125, costUSD: 0.010485000000000001, models: ['claude-sonnet-4-20250514'],
      burnRate: { tokensPerMinute: 56.25, tokensPerMinuteForIndicator: 45, costPerHour: 0.031455000000000004 },
      projection: { totalTokens: 16125, totalCost: 0.15, remainingMinutes: 267 },
      tokenLimitStatus: { limit: 6000, projectedUsage: 16125, percentUsed: 268.75, status: 'exceeds' },
    }],
  }
  t.same(parseCcusageBlocks(JSON.stringify(real), now), {
    status: 'ok', active: true, usedTokens: 1125, projectedTokens: 16125, tokenLimit: 6000, usedPercentage: 18.75,
    projectedPercentage: 268.75, blockStart: '2026-11-25T04:00:00.000Z', resetsAt: '2026-11-25T09:00:00.000Z',
    remainingMinutes: 267, costUSD: 0.010485000000000001, checkedAt: '2026-11-25T04:33:00.000Z',
  })
})

t.test('CcusageSource: at most once per interval, new failures flagged once', async t => {
  const counter = join(t.testdir({}), 'runs')
  writeFileSync(counter, '')
  const bin = fakeBin(t, [
    "const fs = require('node:fs')",
    `fs.appendFileSync(${JSON.stringify(counter)}, 'x')`,
    `if (fs.readFileSync(${JSON.stringify(counter)}, 'utf8').length === 3) process.exit(3)`,
    "process.stdout.write(JSON.stringify({ blocks: [] }))",
  ].join('\n'))
  const source = new CcusageSource({ bin, env: {} })
  const runs = () => readFileSync(counter, 'utf8').length
  t.equal(source.latest(), null)

  const [a, b] = await Promise.all([source.poll({ now: 0, intervalMs: 30_000 }), source.poll({ now: 0, intervalMs: 30_000 })])
  t.equal(a, b, 'concurrent polls share one run')
  t.match(a, { ran: true, newFailure: false, usage: { status: 'ok' } })
  t.equal(runs(), 1)

  t.match(await source.poll({ now: 29_999, intervalMs: 30_000 }), { ran: false, newFailure: false, usage: { status: 'ok' } })
  t.equal(runs(), 1, 'within the interval: the cached figure')

  t.match(await source.poll({ now: 30_000, intervalMs: 30_000 }), { ran: true, usage: { status: 'ok' } })
  t.match(await source.poll({ now: 60_000, intervalMs: 30_000 }), { ran: true, newFailure: true, usage: { status: 'unknown', code: 'failed' } }, 'third run fails: new')
  t.equal(source.latest()?.status, 'unknown')
  t.match(await source.poll({ now: 90_000, intervalMs: 30_000 }), { ran: false, usage: { status: 'unknown' } }, 'after a failure: two intervals')
  t.match(await source.poll({ now: 120_000, intervalMs: 30_000 }), { ran: true, usage: { status: 'ok' } }, 'recovered')
  t.equal(runs(), 4)
  t.match(await source.poll({ now: 150_000, intervalMs: 30_000 }), { ran: true }, 'a success resets the wait to one interval')

  const missing = new CcusageSource({ bin: '/nonexistent/ccusage', env: {} })
  t.match(await missing.poll({ now: 0, intervalMs: 10 }), { newFailure: true, usage: { code: 'missing' } })
  t.match(await missing.poll({ now: 20, intervalMs: 10 }), { ran: true, newFailure: false, usage: { code: 'missing' } }, 'the same failure again: not new')
  t.match(await missing.poll({ now: 5, intervalMs: 10 }), { ran: true }, 'a clock that went back runs again')
})

t.test('CcusageSource: a ccusage that keeps failing is asked less and less often, up to 2^5 intervals', async t => {
  const missing = new CcusageSource({ bin: '/nonexistent/ccusage', env: {} })
  const ranAt: number[] = []
  for (let now = 0; now <= 200 * 10; now += 10) if ((await missing.poll({ now, intervalMs: 10 })).ran) ranAt.push(now)
  const gaps = ranAt.slice(1).map((at, i) => at - ranAt[i]!)
  t.same(gaps.slice(0, 6), [20, 40, 80, 160, 320, 320], 'doubling, then capped at 32 intervals')
  t.equal(MAX_BACKOFF_DOUBLINGS, 5)
})
