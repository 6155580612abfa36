// Stage 2 in-process: claiming, ordering, grace for files still being written, reclaiming dead claims.
import t from 'tap'
import type { Test } from 'tap'
import { readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { INCOMPLETE_GRACE_MS, MAX_APPEND_TRIES, parseSpoolFile, promoteSpool } from '../../src/journal/promote-spool.js'
import { enrichmentSteps } from '../../src/hook/enrich-record.js'

const ID = 'sess-1'
const payload = (event: string, extra: object = {}) => JSON.stringify({ session_id: ID, hook_event_name: event, cwd: '/p', ...extra })

function setup(t: Test) {
  const paths = homePaths(join(t.testdir(), 'home'))
  mkdirSync(paths.spoolDir, { recursive: true })
  const logs: string[] = []
  // With stage 2's steps, as both promoters (stage 2, the supervisor's sweep) run it.
  const options = { now: Date.now, log: (m: string) => logs.push(m), isAlive: () => false, ...enrichmentSteps(paths, Date.now) }
  const spool = (name: string, content: string, mtimeSeconds?: number) => {
    const file = join(paths.spoolDir, name)
    writeFileSync(file, content)
    if (mtimeSeconds !== undefined) utimesSync(file, mtimeSeconds, mtimeSeconds)
  }
  const journal = () => readFileSync(join(paths.eventsDir, `${ID}.jsonl`), 'utf8').trim().split('\n').map(l => JSON.parse(l))
  return { paths, logs, options, spool, journal }
}

t.test('promotes oldest first, whatever the names', async t => {
  const { paths, options, spool, journal } = setup(t)
  spool('b.event', `ssr1 10 11 %1\n${payload('Stop')}`, 1_000_002)
  spool('a.event', `ssr1 10 11 \n${payload('SessionEnd', { reason: 'other' })}`, 1_000_003)
  spool('c.event', `ssr1 10 11 \n${payload('SessionStart', { source: 'startup' })}`, 1_000_001)
  const result = promoteSpool(paths, options)
  t.same(result, { promoted: 3, quarantined: 0, failed: 0, sessionStarts: 1 })
  t.same(journal().map(r => r.event), ['SessionStart', 'Stop', 'SessionEnd'])
  t.same(journal().map(r => r.id), ['c', 'b', 'a'], 'the spool name is the event id')
  t.equal(journal()[1].tmuxPane, '%1')
  t.equal(journal()[1].claudePid, 11)
  t.equal(journal()[1].ts, new Date(1_000_002_000).toISOString(), 'ts is when the raw event reached the disk')
  t.same(readdirSync(paths.spoolDir), [])
})

t.test('a young file that does not parse yet is left for its writer; an old one is quarantined', async t => {
  const { paths, options, spool, logs } = setup(t)
  const nowS = Date.now() / 1000
  spool('young.event', 'ssr1 1 2 \n{"session_id": "se', nowS)
  // Newer than young: held behind it while young may still grow.
  spool('empty.event', '', nowS + 1)
  spool('old.event', 'ssr1 1 2 \n{"session_id": "se', nowS - INCOMPLETE_GRACE_MS / 1000 - 5)
  const result = promoteSpool(paths, options)
  t.same(result, { promoted: 0, quarantined: 1, failed: 0, sessionStarts: 0 })
  t.same(readdirSync(paths.spoolDir).sort(), ['empty.event', 'young.event'])
  t.same(readdirSync(paths.quarantineDir), ['old.event'])
  t.match(logs[0], /old quarantined .*malformed JSON/)
  const complete = promoteSpool(paths, { ...options, complete: new Set(['young']) })
  t.equal(complete.quarantined, 1, 'a writer that says it finished gets no grace')
})

t.test('a file still being written holds back the newer events of its session, so they keep their order', async t => {
  const nowS = Date.now() / 1000
  const other = (event: string) => JSON.stringify({ session_id: 'sess-2', hook_event_name: event, cwd: '/p' })
  // The StopFailure's stage 1 has written part of its file; the SessionEnd fired a few
  // milliseconds later is complete, and so is another session's Stop.
  const cases = [
    { name: 'header only: the session is not known yet, so every newer file waits', partial: 'ssr1 10 11 \n', promotedFirst: [] },
    { name: 'payload cut after the session id: only that session waits', partial: 'ssr1 10 11 \n{"session_id":"sess-1","transcript_pa', promotedFirst: ['Stop'] },
    { name: 'payload cut inside the session id: every newer file waits', partial: 'ssr1 10 11 \n{"session_id":"sess', promotedFirst: [] },
  ]
  for (const c of cases) {
    await t.test(c.name, async t => {
      const { paths, options, spool, journal } = setup(t)
      spool('stop-failure.event', c.partial, nowS - 0.03)
      spool('session-end.event', `ssr1 10 11 \n${payload('SessionEnd', { reason: 'other' })}`, nowS - 0.02)
      spool('other.event', `ssr1 12 13 \n${other('Stop')}`, nowS - 0.01)
      promoteSpool(paths, options)
      const journalOf = (id: string) => { try { return readFileSync(join(paths.eventsDir, `${id}.jsonl`), 'utf8').trim().split('\n').map(l => JSON.parse(l).event) } catch { return [] } }
      t.same(journalOf('sess-2'), c.promotedFirst, 'the other session')
      t.same(journalOf(ID), [], 'nothing of its session overtakes the file still being written')
      spool('stop-failure.event', `ssr1 10 11 \n${payload('StopFailure', { error: 'rate_limit' })}`, nowS - 0.03)
      t.same(promoteSpool(paths, options), { promoted: 2 + 1 - c.promotedFirst.length, quarantined: 0, failed: 0, sessionStarts: 0 })
      t.same(journal().map(r => r.event), ['StopFailure', 'SessionEnd'])
      t.same(journalOf('sess-2'), ['Stop'])
    })
  }
})

t.test('a claim left by a dead promoter goes back to the spool and is promoted', async t => {
  const { paths, options, spool, journal } = setup(t)
  spool('x.event.claimed-999999', `ssr1 1 2 \n${payload('Stop')}`)
  const result = promoteSpool(paths, options)
  t.equal(result.promoted, 1)
  t.same(journal().map(r => r.id), ['x'])
})

t.test('a claim held by a live promoter is left alone', async t => {
  const { paths, options, spool } = setup(t)
  spool('x.event.claimed-12345', `ssr1 1 2 \n${payload('Stop')}`)
  const result = promoteSpool(paths, { ...options, isAlive: () => true })
  t.equal(result.promoted, 0)
  t.same(readdirSync(paths.spoolDir), ['x.event.claimed-12345'])
})

t.test('parseSpoolFile', async t => {
  const meta = { id: 'i', ts: '2026-01-01T00:00:00.000Z' }
  t.match(parseSpoolFile('', meta), { ok: false, error: /^incomplete/ })
  t.match(parseSpoolFile('ssr1 1 2', meta), { ok: false, error: /^incomplete/ })
  t.match(parseSpoolFile('xyz\n{}', meta), { ok: false, error: /missing ssr1 header/ })
  t.match(parseSpoolFile('ssr1 1 2 \n', meta), { ok: false, error: /empty hook input/ })
  t.match(parseSpoolFile(`ssr1 1 0 %x\n${payload('Stop')}`, meta), { ok: true, value: { claudePid: undefined, tmuxPane: undefined } })
  t.match(parseSpoolFile(`ssr1 1 77 %3\n${payload('Stop')}`, meta), { ok: true, value: { claudePid: 77, tmuxPane: '%3' } })
})

t.test('no spool folder: nothing to do', async t => {
  const paths = homePaths(join(t.testdir(), 'nothing'))
  t.same(promoteSpool(paths, { now: Date.now, log: () => {}, isAlive: () => false }), { promoted: 0, quarantined: 0, failed: 0, sessionStarts: 0 })
})

t.test('a Stop or StopFailure carries the fresh five-hour usage the status line recorded', async t => {
  const { paths, options, spool, journal } = setup(t)
  writeFileSync(paths.usageFile, JSON.stringify({ source: 'statusline', updatedAt: new Date().toISOString(), fiveHour: { usedPercentage: 97, resetsAt: new Date(Date.now() + 3_600_000).toISOString() }, sevenDay: null }))
  spool('a.event', `ssr1 1 2 \n${payload('StopFailure', { error: 'rate_limit' })}`, 1_000_001)
  spool('b.event', `ssr1 1 2 \n${payload('UserPromptSubmit')}`, 1_000_002)
  promoteSpool(paths, options)
  t.same(journal().map(r => r.usedPercentage), [97, undefined])
  writeFileSync(paths.usageFile, JSON.stringify({ source: 'statusline', updatedAt: new Date(Date.now() - 3_600_000).toISOString(), fiveHour: { usedPercentage: 10, resetsAt: null }, sevenDay: null }))
  spool('c.event', `ssr1 1 2 \n${payload('Stop')}`, 1_000_003)
  promoteSpool(paths, options)
  t.equal(journal()[2].usedPercentage, undefined, 'a stale figure is not used')
})

t.test('an event that cannot be appended is tried MAX_APPEND_TRIES times, logged twice, then quarantined', async t => {
  t.equal(MAX_APPEND_TRIES, 3)
  const { paths, logs, options, spool } = setup(t)
  mkdirSync(join(paths.eventsDir, `${ID}.jsonl`), { recursive: true }) // a folder where the journal should be
  spool('x.event', `ssr1 1 2 \n${payload('UserPromptSubmit', { prompt: 'my secret plan' })}`)
  const sweeps = Array.from({ length: 5 }, () => promoteSpool(paths, options))
  t.same(sweeps.map(r => [r.failed, r.quarantined]), [[1, 0], [1, 0], [0, 1], [0, 0], [0, 0]])
  t.equal(logs.length, 2, 'the first failure and the quarantine, not one line per sweep')
  t.match(logs[0], /could not append event x to the journal, kept in the spool \(quarantined after 3 tries\): EISDIR/)
  t.match(logs[1], /event x quarantined .*could not be appended to the journal \(3 tries\)/)
  t.same(readdirSync(paths.spoolDir), [])
  t.same(readdirSync(paths.quarantineDir), ['x.event'])
  t.notMatch(readFileSync(join(paths.quarantineDir, 'x.event'), 'utf8'), /secret/, 'no prompt kept')
})

t.test('a failed try keeps the event id; it is promoted once the journal can be written', async t => {
  const { paths, options, spool, journal } = setup(t)
  mkdirSync(join(paths.eventsDir, `${ID}.jsonl`), { recursive: true })
  spool('y.event', `ssr1 1 2 \n${payload('Stop')}`)
  promoteSpool(paths, options)
  t.same(readdirSync(paths.spoolDir), ['y.try1.event'])
  rmSync(join(paths.eventsDir, `${ID}.jsonl`), { recursive: true })
  t.equal(promoteSpool(paths, options).promoted, 1)
  t.same(journal().map(r => r.id), ['y'])
})

t.test('a link planted in the spool is removed, never read or followed', async t => {
  const { paths, logs, options } = setup(t)
  const outside = join(paths.home, '..', 'target.event')
  writeFileSync(outside, `ssr1 1 2 \n${payload('Stop')}`)
  symlinkSync(outside, join(paths.spoolDir, 'z.event'))
  t.equal(promoteSpool(paths, options).promoted, 0)
  t.same(readdirSync(paths.spoolDir), [])
  t.match(logs[0], /removed .*z\.event from the spool: not a regular file/)
  t.equal(readFileSync(outside, 'utf8'), `ssr1 1 2 \n${payload('Stop')}`, 'the target is untouched')
})
