// Every session the home knows, read from real state files without a supervisor: files that cannot
// be used become problems to report; and the order the read commands show sessions in.
import t from 'tap'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { compareRetry, compareUpdatedDesc, compareWaitingFirst, publicFields, readSessions, waitsForRetry, type PublicSession } from '../../src/cli/read-sessions.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'

const id = (n: number) => `${String(n).repeat(8)}-1111-4222-8333-444455556666`

function stateFile(sessionId: string, state: unknown): SessionStateFile {
  return { schema: 1, sessionId, state, cwd: '/w', updatedAt: '2026-11-25T03:00:00.000Z', supervisor: { offset: 0, recentIds: [], snapshot: null } } as unknown as SessionStateFile
}

t.test('sessions with a usable state file; problems for the rest, each with what happens next', async t => {
  const home = t.testdir()
  const paths = homePaths(home)
  mkdirSync(paths.sessionsDir, { recursive: true })
  mkdirSync(paths.eventsDir, { recursive: true })
  const state = (n: number, text: string) => writeFileSync(join(paths.sessionsDir, `${id(n)}.json`), text)
  const journal = (n: number) => writeFileSync(join(paths.eventsDir, `${id(n)}.jsonl`), '')
  state(1, JSON.stringify(stateFile(id(1), 'scheduled')))
  state(2, '{ torn')
  journal(2)
  state(3, JSON.stringify(stateFile(id(3), 42))) // parses, but its state is not a name
  journal(4) // a journal the supervisor has not applied yet
  state(5, JSON.stringify(stateFile(id(9), 'active'))) // names another session
  writeFileSync(join(paths.sessionsDir, 'notes.txt'), '{}') // not a state file's name
  const listing = await readSessions(paths)
  t.same(listing.sessions, [publicFields(stateFile(id(1), 'scheduled'))])
  t.notOk('supervisor' in listing.sessions[0]!, 'no restore data')
  t.same(
    listing.problems.map(p => [p.kind, p.sessionId, p.file, p.error, p.message]),
    [
      ['corrupt-state', id(2), join(paths.sessionsDir, `${id(2)}.json`), 'state file is not valid JSON', `sessions/${id(2)}.json is corrupt (state file is not valid JSON): it will be rebuilt from the journal`],
      ['corrupt-state', id(3), join(paths.sessionsDir, `${id(3)}.json`), 'state file has no state', `sessions/${id(3)}.json is corrupt (state file has no state): there is no journal to rebuild it from`],
      ['no-state-yet', id(4), join(paths.sessionsDir, `${id(4)}.json`), 'no state file', `session ${id(4)} has journal events the supervisor has not applied yet (no state file)`],
      ['corrupt-state', id(5), join(paths.sessionsDir, `${id(5)}.json`), 'state file names another session', `sessions/${id(5)}.json is corrupt (state file names another session): there is no journal to rebuild it from`],
    ],
  )
})

t.test('an unreadable state file is said to be unreadable', { skip: process.getuid?.() === 0 && 'root reads every file' }, async t => {
  const paths = homePaths(t.testdir())
  mkdirSync(paths.sessionsDir, { recursive: true })
  const file = join(paths.sessionsDir, `${id(1)}.json`)
  writeFileSync(file, JSON.stringify(stateFile(id(1), 'active')))
  chmodSync(file, 0o000)
  t.teardown(() => chmodSync(file, 0o600))
  const { sessions, problems } = await readSessions(paths)
  t.same(sessions, [])
  t.same(problems.map(p => [p.kind, p.message]), [['unreadable-state', `sessions/${id(1)}.json is unreadable (cannot read state file: EACCES): there is no journal to rebuild it from`]])
})

t.test('an empty or missing home: nothing, no problems', async t => {
  t.same(await readSessions(homePaths(join(t.testdir(), 'none'))), { sessions: [], problems: [] })
})

const s = (sessionId: string, state: string, retryAt: unknown = null, updatedAt: unknown = '2026-11-25T03:00:00Z') => ({ sessionId, state, retryAt, updatedAt }) as unknown as PublicSession

t.test('waitsForRetry: until its attempt starts', async t => {
  const cases: [string, boolean][] = [['limited', true], ['scheduled', true], ['due', true], ['resuming', false], ['awaitingOwner', false], ['active', false], ['ended', false], ['fromTheFuture', false]]
  for (const [state, waits] of cases) t.equal(waitsForRetry(s('a', state)), waits, state)
})

t.test('the order: waiting by retry time (unknown last), then running, then the rest, newest first', async t => {
  const sessions = [
    s('ended-old', 'ended', null, '2026-11-20T00:00:00Z'),
    s('future-state', 'fromTheFuture'),
    s('sched-late', 'scheduled', '2026-11-25T05:00:00Z'),
    s('limited-unknown', 'limited', 'soon'),
    s('due-early', 'due', '2026-11-25T04:00:00Z'),
    s('ended-new', 'ended', null, '2026-11-24T00:00:00Z'),
    s('resuming', 'resuming'),
    s('needs', 'needsUser'),
    s('active', 'active'),
    s('cancelled', 'cancelled', null, 'garbage'),
    s('exhausted', 'exhausted', null, '2026-11-25T01:00:00Z'),
    s('b-same', 'scheduled', '2026-11-25T05:00:00Z'),
  ]
  t.same(sessions.sort(compareWaitingFirst).map(x => x.sessionId), [
    'due-early',
    'b-same',
    'sched-late',
    'limited-unknown',
    'resuming',
    'needs',
    'active',
    'exhausted',
    'cancelled',
    'ended-new',
    'ended-old',
    'future-state',
  ])
})

t.test('compareRetry and compareUpdatedDesc', async t => {
  const early = s('a', 'scheduled', '2026-11-25T04:00:00Z', '2026-11-25T01:00:00Z')
  const late = s('b', 'scheduled', '2026-11-25T05:00:00Z', '2026-11-25T02:00:00Z')
  const unknown = s('c', 'scheduled', 12, 7)
  t.ok(compareRetry(early, late) < 0)
  t.ok(compareRetry(late, early) > 0)
  t.equal(compareRetry(unknown, unknown), 0)
  t.equal(compareRetry(unknown, early), 1, 'unknown after known')
  t.equal(compareRetry(early, unknown), -1)
  t.ok(compareUpdatedDesc(early, late) > 0, 'newer first')
  t.ok(compareUpdatedDesc(unknown, early) > 0, 'an unknown update time counts as the oldest')
})
