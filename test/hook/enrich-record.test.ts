// What stage 2 and the supervisor's sweep add to a hook's record: the status line's five-hour
// figure on Stop and StopFailure while it is fresh (by the clock passed in), and a SessionEnd's
// follow-up. Real usage files on a real home.
import t from 'tap'
import type { Test } from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../src/home/home-paths.js'
import { enrichmentSteps } from '../../src/hook/enrich-record.js'
import { newRecord, type JournalRecord } from '../../src/journal/event-record.js'
import { DEFAULT_USAGE_MAX_AGE_MS } from '../../src/usage/usage-snapshot.js'

const NOW = Date.parse('2026-12-07T12:00:00Z')
const SESSION = '0e5f1c2a-1111-4222-8333-444455556666'

function home(t: Test, usage: string | null) {
  const paths = homePaths(t.testdir())
  mkdirSync(paths.home, { recursive: true })
  if (usage !== null) writeFileSync(paths.usageFile, usage)
  return paths
}

const usageAt = (updatedAt: number, used: number | null) =>
  JSON.stringify({ schema: 1, source: 'statusline', updatedAt: new Date(updatedAt).toISOString(), fiveHour: used === null ? null : { usedPercentage: used, resetsAt: null }, sevenDay: null })

const record = (event: string): JournalRecord => newRecord('hook', SESSION, event, NOW, { id: `id-${event}`, ts: new Date(NOW).toISOString() })

t.test('the five-hour figure goes on Stop and StopFailure, only while it is fresh', async t => {
  const cases: [string, string | null, string, number | undefined][] = [
    ['fresh figure, Stop', usageAt(NOW - 60_000, 97), 'Stop', 97],
    ['fresh figure, StopFailure', usageAt(NOW - 60_000, 42.5), 'StopFailure', 42.5],
    ['fresh figure, another event', usageAt(NOW - 60_000, 97), 'UserPromptSubmit', undefined],
    ['at the age limit', usageAt(NOW - DEFAULT_USAGE_MAX_AGE_MS, 50), 'Stop', 50],
    ['older than the age limit', usageAt(NOW - DEFAULT_USAGE_MAX_AGE_MS - 60_000, 50), 'Stop', undefined],
    ['no five-hour window', usageAt(NOW - 60_000, null), 'Stop', undefined],
    ['no usage file', null, 'Stop', undefined],
    ['not JSON', '{"schema":1,', 'Stop', undefined],
  ]
  for (const [name, usage, event, want] of cases) {
    const steps = enrichmentSteps(home(t, usage), () => NOW)
    const r = record(event)
    steps.enrich!(r)
    t.equal(r.usedPercentage, want, name)
  }
})

t.test('a SessionEnd is followed up (a limit the hook never delivered); other events are not', async t => {
  const steps = enrichmentSteps(home(t, null), () => NOW)
  for (const event of ['Stop', 'StopFailure', 'SessionStart', 'UserPromptSubmit']) t.equal(steps.followUp!(record(event)), null, event)
  // No transcript to read the limit from: nothing to rebuild.
  t.equal(steps.followUp!(record('SessionEnd')), null, 'SessionEnd without a transcript')
})
