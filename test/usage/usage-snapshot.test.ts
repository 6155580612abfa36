import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CcusageEstimate, CcusageUsage } from '../../src/usage/ccusage-source.js'
import type { UsageFile } from '../../src/usage/usage-file.js'
import {
  DEFAULT_USAGE_MAX_AGE_MS, assessUsage, bestUsage, readUsage, type BestUsage, type StatuslineReading,
} from '../../src/usage/usage-snapshot.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const RESET = '2026-11-25T14:00:00.000Z'

function file(updatedAgoMs: number, fiveHour: UsageFile['fiveHour'] = { usedPercentage: 42, resetsAt: RESET }): UsageFile {
  return { schema: 1, source: 'statusline', updatedAt: new Date(NOW - updatedAgoMs).toISOString(), fiveHour, sevenDay: { usedPercentage: 10, resetsAt: null } }
}

const fresh = assessUsage(file(60_000), NOW)
const stale = assessUsage(file(DEFAULT_USAGE_MAX_AGE_MS + 60_000), NOW)
const noFiveHour = assessUsage(file(60_000, null), NOW)

const estimate = (usedPercentage: number | null): CcusageEstimate => ({
  status: 'ok', active: true, usedTokens: 1125, projectedTokens: 16125, tokenLimit: usedPercentage === null ? null : 6000,
  usedPercentage, projectedPercentage: null, blockStart: '2026-11-25T11:00:00.000Z', resetsAt: '2026-11-25T16:00:00.000Z',
  remainingMinutes: 240, costUSD: 0.01, checkedAt: '2026-11-25T11:59:30.000Z',
})
const failed: CcusageUsage = { status: 'unknown', code: 'missing', reason: 'ccusage not found (ccusage)', checkedAt: '2026-11-25T11:59:30.000Z' }

t.test('constants are pinned', async t => {
  t.equal(DEFAULT_USAGE_MAX_AGE_MS, 15 * 60_000)
})

t.test('assessUsage: fresh, old, window already reset', async t => {
  t.match(fresh, { status: 'ok', stale: false, staleReason: null, ageMs: 60_000 })
  t.match(stale, { status: 'ok', stale: true, staleReason: 'recorded 16 min ago (max 15)' })
  t.match(assessUsage(file(60_000), NOW, { maxAgeMs: 30_000 }), { stale: true })
  t.match(assessUsage(file(60_000, { usedPercentage: 99, resetsAt: '2026-11-25T11:59:00.000Z' }), NOW), {
    stale: true, staleReason: 'its five-hour window reset at 2026-11-25T11:59:00.000Z',
  })
})

t.test('bestUsage, table-driven', async t => {
  const cases: Array<[string, StatuslineReading | null, CcusageUsage | null, Omit<Partial<BestUsage>, 'reason'> & { reason?: RegExp | string }]> = [
    ['fresh status line wins over an estimate', fresh, estimate(18.75),
      { usedPercentage: 42, resetsAt: RESET, source: 'statusline', stale: false, updatedAt: '2026-11-25T11:59:00.000Z', reason: 'exact figure from the status line' }],
    ['fresh status line, ccusage failing', fresh, failed, { usedPercentage: 42, source: 'statusline', stale: false }],
    ['fresh status line, ccusage not run', fresh, null, { usedPercentage: 42, source: 'statusline' }],
    ['stale status line: the estimate', stale, estimate(18.75),
      { usedPercentage: 18.75, resetsAt: '2026-11-25T16:00:00.000Z', source: 'ccusage', stale: false, updatedAt: '2026-11-25T11:59:30.000Z', reason: /^estimate from ccusage; the status line figure is stale: recorded 16 min ago/ }],
    ['no status line: the estimate', { status: 'missing' }, estimate(5),
      { usedPercentage: 5, source: 'ccusage', reason: /no status line figure \(is statusLine set/ }],
    ['corrupt usage.json: the estimate', { status: 'invalid', error: 'usage.json is not JSON' }, estimate(5),
      { usedPercentage: 5, source: 'ccusage', reason: 'estimate from ccusage; usage.json is not JSON' }],
    ['status line without a five-hour window: the estimate', noFiveHour, estimate(7),
      { usedPercentage: 7, source: 'ccusage', reason: /no five-hour figure/ }],
    ['stale status line, ccusage failing: the stale exact figure', stale, failed,
      { usedPercentage: 42, source: 'statusline', stale: true, reason: /stale.*; ccusage: ccusage not found/ }],
    ['stale status line, ccusage without a limit: the stale exact figure', stale, estimate(null),
      { usedPercentage: 42, source: 'statusline', stale: true, reason: /ccusage knows no token limit yet$/ }],
    ['idle ccusage (no active block) counts as 0 %', { status: 'missing' }, { ...estimate(0), active: false, resetsAt: null },
      { usedPercentage: 0, source: 'ccusage', resetsAt: null }],
    ['nothing at all', null, null,
      { usedPercentage: null, resetsAt: null, source: null, stale: false, updatedAt: null, reason: /no status line figure.*; ccusage not run$/ }],
    ['missing file, ccusage failing', { status: 'missing' }, failed, { usedPercentage: null, source: null, reason: /ccusage: ccusage not found/ }],
  ]
  for (const [name, statusline, ccusage, want] of cases) {
    const got = bestUsage(statusline, ccusage)
    t.match(got, { window: 'five_hour', ...want }, name)
  }
})

t.test('readUsage: missing, invalid, fresh, stale', async t => {
  const dir = t.testdir({
    'good.json': JSON.stringify(file(60_000)),
    'bad.json': '{"source":"statusline"',
    'big.json': 'x'.repeat(70 * 1024),
    folder: {},
  })
  const at = (name: string) => ({ usageFile: join(dir, name) })
  t.same(await readUsage(at('none.json'), NOW), { status: 'missing' })
  t.same(await readUsage(at('bad.json'), NOW), { status: 'invalid', error: 'usage.json is not JSON' })
  t.same(await readUsage(at('big.json'), NOW), { status: 'invalid', error: 'usage.json is too large' })
  t.match(await readUsage(at('folder'), NOW), { status: 'invalid', error: /could not be read \(EISDIR\)/ })
  t.match(await readUsage(at('good.json'), NOW), { status: 'ok', stale: false, usage: { fiveHour: { usedPercentage: 42 } } })
  t.match(await readUsage(at('good.json'), NOW, { maxAgeMs: 1000 }), { status: 'ok', stale: true })
  writeFileSync(join(dir, 'good.json'), JSON.stringify({ ...file(0), source: 'other' }))
  t.match(await readUsage(at('good.json'), NOW), { status: 'invalid', error: /source/ })
})
