// The figure /health shows: the status line's exact one while fresh (ccusage is not run then),
// else ccusage's estimate, asked once per interval while a session waits and a tenth as often
// otherwise. A stand-in ccusage (a real executable) counts its runs; the clock is passed in.
import t from 'tap'
import type { Test } from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import type { Logger } from '../../src/home/logger.js'
import { IDLE_SLOWDOWN, UsageWatch } from '../../src/supervisor/usage-watch.js'
import { processDir } from '../helpers/process-dir.js'

const NOW = Date.parse('2026-12-07T12:00:00Z')
const INTERVAL = 30_000

function world(t: Test, { ccusageOk = true } = {}) {
  const dir = processDir(t)
  const paths = homePaths(join(dir, 'home'))
  mkdirSync(paths.home, { recursive: true })
  const runs = join(dir, 'runs')
  const bin = join(dir, 'ccusage')
  const blocks = JSON.stringify({ blocks: [{ isActive: true, totalTokens: 500, tokenLimitStatus: { limit: 1000 }, startTime: '2026-12-07T10:00:00Z', endTime: '2026-12-07T15:00:00Z' }] })
  writeFileSync(bin, ccusageOk ? `#!/bin/sh\necho run >> '${runs}'\necho '${blocks}'\n` : `#!/bin/sh\necho run >> '${runs}'\necho 'Error: no transcripts' >&2\nexit 1\n`)
  chmodSync(bin, 0o755)
  const logged: string[] = []
  const log: Logger = { debug: () => {}, info: m => logged.push(m), warn: m => logged.push(`warn: ${m}`), error: m => logged.push(`error: ${m}`) }
  const watch = new UsageWatch(paths, { PATH: process.env.PATH, SESSION_RETRY_CCUSAGE_BIN: bin }, INTERVAL, log)
  const ranTimes = () => (existsSync(runs) ? readFileSync(runs, 'utf8').trim().split('\n').length : 0)
  return { paths, watch, ranTimes, logged }
}

const statusline = (updatedAt: number, used: number) =>
  JSON.stringify({ schema: 1, source: 'statusline', updatedAt: new Date(updatedAt).toISOString(), fiveHour: { usedPercentage: used, resetsAt: null }, sevenDay: null })

t.test('a fresh status-line figure is used as it is, and ccusage is not run', async t => {
  const { paths, watch, ranTimes } = world(t)
  writeFileSync(paths.usageFile, statusline(NOW - 60_000, 42))
  await watch.refresh(NOW)
  t.match(watch.current, { usedPercentage: 42, source: 'statusline', stale: false })
  t.equal(ranTimes(), 0)
})

t.test('no status-line figure: the estimate, asked once per interval while a session waits', async t => {
  const { watch, ranTimes } = world(t)
  await watch.refresh(NOW)
  t.match(watch.current, { usedPercentage: 50, source: 'ccusage' })
  await watch.refresh(NOW + INTERVAL / 2)
  t.equal(ranTimes(), 1, 'not again within the interval')
  await watch.refresh(NOW + INTERVAL)
  t.equal(ranTimes(), 2, 'again once the interval has passed')
})

t.test('with no session waiting, ccusage is asked a tenth as often', async t => {
  const { watch, ranTimes } = world(t)
  await watch.refresh(NOW, { waiting: false })
  await watch.refresh(NOW + INTERVAL, { waiting: false })
  t.equal(ranTimes(), 1, 'one interval later: not yet')
  await watch.refresh(NOW + INTERVAL * IDLE_SLOWDOWN, { waiting: false })
  t.equal(ranTimes(), 2)
})

t.test('a failing ccusage: no figure, said once in the log, never a throw', async t => {
  const { watch, ranTimes, logged } = world(t, { ccusageOk: false })
  await watch.refresh(NOW)
  await watch.refresh(NOW + INTERVAL * 4)
  t.equal(ranTimes(), 2)
  t.match(watch.current, { usedPercentage: null, source: null })
  t.same(logged, ['usage estimate unavailable'], 'the same failure is logged once')
})
