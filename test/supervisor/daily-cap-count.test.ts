// The daily cap counts automatic starts from the journals: what a restarted supervisor counts is
// what the running one counted, manual resumes never count, and yesterday's starts are not today's.
import t from 'tap'
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { countAutomaticStarts, isAutomaticStartOn, localDay, startOfLocalDay } from '../../src/supervisor/daily-cap.js'
import { newRecord, serializeRecord, type JournalRecord } from '../../src/journal/event-record.js'
import { homePaths } from '../../src/home/home-paths.js'

const NOW = new Date(2026, 10, 28, 15, 0).getTime()
const HOUR = 3_600_000
const start = (fields: Partial<JournalRecord>, at = NOW) => newRecord('supervisor', '3f2a9c1e-0000-4000-8000-000000000001', 'ResumeStarted', at, { attempt: 1, mode: 'spawn', ...fields })

t.test('localDay: the local calendar day, zero-padded', async t => {
  t.equal(localDay(new Date(2026, 0, 5, 0, 0).getTime()), '2026-01-05')
  t.equal(localDay(new Date(2026, 11, 31, 23, 59).getTime()), '2026-12-31')
})

t.test('startOfLocalDay: local midnight of the same day', async t => {
  t.equal(startOfLocalDay(NOW), new Date(2026, 10, 28, 0, 0).getTime())
  t.equal(startOfLocalDay(new Date(2026, 10, 28, 0, 0).getTime()), new Date(2026, 10, 28, 0, 0).getTime(), 'midnight is its own day')
  t.equal(startOfLocalDay(new Date(2026, 10, 27, 23, 59, 59, 999).getTime()), new Date(2026, 10, 27, 0, 0).getTime())
})

t.test('isAutomaticStartOn, table-driven', async t => {
  const day = localDay(NOW)
  const cases: [string, JournalRecord, boolean][] = [
    ['an automatic spawn today', start({}), true],
    ['a manual spawn today', start({ manual: true }), false],
    ['an owner wait today', start({ mode: 'owner' }), false],
    ['a tmux continuation today', start({ mode: 'tmux' }), false],
    ['an automatic spawn yesterday', start({}, NOW - 24 * HOUR), false],
    ['another event', { ...start({}), event: 'ResumeExited' }, false],
  ]
  for (const [what, record, expected] of cases) t.equal(isAutomaticStartOn(record, day), expected, what)
})

t.test('countAutomaticStarts reads the journals changed today', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  mkdirSync(paths.eventsDir, { recursive: true })
  const write = (id: string, records: JournalRecord[], mtime = NOW) => {
    const file = join(paths.eventsDir, `${id}.jsonl`)
    writeFileSync(file, records.map(r => serializeRecord({ ...r, sessionId: id })).join('') + '{"torn line\n')
    utimesSync(file, mtime / 1000, mtime / 1000)
  }
  write('3f2a9c1e-0000-4000-8000-00000000000a', [start({}), start({ attempt: 2 }), start({ attempt: 3, manual: true })])
  write('3f2a9c1e-0000-4000-8000-00000000000b', [start({ mode: 'owner' }), start({}, NOW - 24 * HOUR), start({})])
  // Not changed today: not read at all (a start of today cannot be in it).
  write('3f2a9c1e-0000-4000-8000-00000000000c', [start({}, NOW - 30 * HOUR)], NOW - 30 * HOUR)
  t.equal(countAutomaticStarts(paths, NOW), 3, 'two in a, one in b; the manual, owner and old ones not')
  t.equal(countAutomaticStarts(homePaths(join(t.testdirName, 'nowhere')), NOW), 0, 'no journals folder: none')
  const [a, b] = ['3f2a9c1e-0000-4000-8000-00000000000a', '3f2a9c1e-0000-4000-8000-00000000000b']
  t.equal(countAutomaticStarts(paths, NOW, [a]), 2, 'only the sessions named: a')
  t.equal(countAutomaticStarts(paths, NOW, [b]), 1, 'only the sessions named: b')
  t.equal(countAutomaticStarts(paths, NOW, []), 0, 'none named: no journal read')
  t.equal(countAutomaticStarts(paths, NOW, [a, b]), 3, 'both: as many as reading every journal')
})
