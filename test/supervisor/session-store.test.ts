// State files in a real home: which sessions exist, reading good and bad files, the write round trip, stale temp files.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths, type HomePaths } from '../../src/home/home-paths.js'
import { ensureHomeDir } from '../../src/home/safe-dirs.js'
import {
  badTimeField,
  HISTORY_LIMIT,
  listSessionFiles,
  listSessionIds,
  quarantineState,
  readSessionState,
  RECENT_IDS_LIMIT,
  removeStaleTempFiles,
  STATE_SCHEMA_VERSION,
  writeSessionState,
  type SessionStateFile,
} from '../../src/supervisor/session-store.js'

const ID = '0a38c5e2-1b7f-4d7e-9a51-2f6c1d0e9b11'

function home(t: { testdir(): string }): HomePaths {
  const paths = homePaths(join(t.testdir(), 'home'))
  ensureHomeDir(paths.home, paths.eventsDir)
  return paths
}

function stateOf(sessionId: string): SessionStateFile {
  return {
    schema: STATE_SCHEMA_VERSION,
    sessionId,
    state: 'scheduled',
    cwd: '/home/u/app',
    transcriptPath: null,
    limit: { kind: 'five_hour', resetAt: '2026-11-25T04:01:00.000Z', source: 'banner' },
    retryAt: '2026-11-25T04:02:00.000Z',
    retrySource: 'reset',
    attempts: 0,
    open: false,
    lastActivityAt: null,
    lastEventAt: '2026-11-25T03:01:16.000Z',
    updatedAt: '2026-11-25T03:01:16.500Z',
    reasons: ['five_hour limit, resets 04:01'],
    needsUserReason: null,
    permissionMode: 'acceptEdits',
    lastRun: null,
    history: [{ at: '2026-11-25T03:01:16.000Z', from: 'active', to: 'limited', event: 'limit.detected' }],
    supervisor: { machineVersion: 1, offset: 1234, recentIds: ['e1'], snapshot: { value: 'scheduled', context: { retryAt: 1795579320000, limit: { resetAt: 1795579260000 }, lastRun: null } } },
  }
}

t.test('the limits are pinned', async t => {
  t.same([STATE_SCHEMA_VERSION, HISTORY_LIMIT, RECENT_IDS_LIMIT], [1, 50, 256])
})

t.test('listSessionFiles: valid ids with a journal, a state file or both; nothing else', async t => {
  const paths = home(t)
  const files: [string, string][] = [
    [paths.eventsDir, 'a1.jsonl'],
    [paths.sessionsDir, 'a1.json'],
    [paths.eventsDir, 'c3.jsonl'],
    [paths.sessionsDir, 'b2.json'],
    [paths.sessionsDir, 'current_session.json'],
    [paths.sessionsDir, 'Resume_Schedule.json'],
    [paths.sessionsDir, '-option.json'],
    [paths.sessionsDir, 'notes.txt'],
    [paths.eventsDir, 'b2.json'],
    [paths.sessionsDir, `.${ID}.json.123.0123abcd.tmp`],
  ]
  for (const [dir, name] of files) writeFileSync(join(dir, name), '{}')
  t.same(Object.fromEntries(await listSessionFiles(paths)), {
    a1: { journal: true, state: true },
    c3: { journal: true, state: false },
    b2: { journal: false, state: true },
  })
  t.same(await listSessionIds(paths), ['a1', 'b2', 'c3'])
  t.same(await listSessionIds(homePaths(join(t.testdir({}), 'never-made'))), [], 'no home yet: no sessions')
})

const bad = (edit: (s: SessionStateFile & Record<string, unknown>) => void) => {
  const s = stateOf(ID) as SessionStateFile & Record<string, unknown>
  edit(s)
  return JSON.stringify(s)
}
const reads: [string, string, string][] = [
  // [name, what is in <id>.json, the error]
  ['not JSON', '{"schema":1,', 'state file is not valid JSON'],
  ['empty (a power loss)', '', 'state file is not valid JSON'],
  ['JSON null', 'null', 'state file is not an object'],
  ['no schema', '{}', 'unknown state schema undefined'],
  ['a newer schema', bad(s => (s.schema = 2 as 1)), 'unknown state schema 2'],
  ["another session's file", bad(s => (s.sessionId = 'someone-else')), 'state file names another session'],
  ['no supervisor part', bad(s => delete (s as Partial<SessionStateFile>).supervisor), 'state file has no valid journal offset'],
  ['a negative offset', bad(s => (s.supervisor.offset = -1)), 'state file has no valid journal offset'],
  ['a fractional offset', bad(s => (s.supervisor.offset = 1.5)), 'state file has no valid journal offset'],
  ['no recent ids', bad(s => delete (s.supervisor as Partial<SessionStateFile['supervisor']>).recentIds), 'state file has no recent event ids'],
  ['a time that is text', bad(s => (s.supervisor.snapshot = { context: { retryAt: 'tomorrow' } })), 'state file has an out-of-range or non-numeric time at context.retryAt'],
  ['a nested time out of range', bad(s => (s.supervisor.snapshot = { context: { limit: { resetAt: 1e20 } } })), 'state file has an out-of-range or non-numeric time at context.limit.resetAt'],
]

t.test('readSessionState: a missing file, and each corrupt one named', async t => {
  const paths = home(t)
  t.same(await readSessionState(paths, ID), { ok: false, missing: true, error: 'cannot read state file: ENOENT' }, 'missing')
  for (const [name, text, error] of reads) {
    writeFileSync(join(paths.sessionsDir, `${ID}.json`), text)
    t.same(await readSessionState(paths, ID), { ok: false, missing: false, error }, name)
  }
})

t.test('readSessionState: a symlink or a folder in place of the file is not read', async t => {
  const paths = home(t)
  const elsewhere = join(paths.home, 'elsewhere.json')
  writeFileSync(elsewhere, JSON.stringify(stateOf(ID)))
  symlinkSync(elsewhere, join(paths.sessionsDir, `${ID}.json`))
  t.match(await readSessionState(paths, ID), { ok: false, missing: false, error: /^cannot read state file: / }, 'a symlink')
  mkdirSync(join(paths.sessionsDir, 'b2.json'))
  t.match(await readSessionState(paths, 'b2'), { ok: false, missing: false, error: /^cannot read state file: / }, 'a folder')
})

t.test('writeSessionState and readSessionState round trip; 0600, pretty, no temp files left', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  const state = stateOf(ID)
  await writeSessionState(paths, state)
  t.same(await readSessionState(paths, ID), { ok: true, state })
  const file = join(paths.sessionsDir, `${ID}.json`)
  t.equal(readFileSync(file, 'utf8'), JSON.stringify(state, null, 2) + '\n')
  t.equal(statSync(file).mode & 0o777, 0o600)
  const next = { ...state, state: 'resuming' as const, attempts: 1 }
  await writeSessionState(paths, next)
  t.same(await readSessionState(paths, ID), { ok: true, state: next }, 'replaced whole')
  t.same(readdirSync(paths.sessionsDir).filter(n => n.endsWith('.tmp')), [])
})

t.test('quarantineState moves the file aside under the time given', async t => {
  const paths = home(t)
  writeFileSync(join(paths.sessionsDir, `${ID}.json`), '{"schema":1,')
  const target = await quarantineState(paths, ID, 1795579275000)
  t.equal(target, join(paths.quarantineDir, `${ID}.state-1795579275000.json`))
  t.equal(readFileSync(target, 'utf8'), '{"schema":1,')
  t.same(await readSessionState(paths, ID), { ok: false, missing: true, error: 'cannot read state file: ENOENT' }, 'no state file left')
})

t.test('removeStaleTempFiles: a dead writer’s temp files and old-style ones; a live writer’s stay', async t => {
  const paths = home(t)
  const dead = spawnSync('/bin/true').pid
  const alive = process.pid
  const names: [string, string, boolean][] = [
    // [folder, name, removed]
    [paths.sessionsDir, `.${ID}.json.${dead}.0123abcd.tmp`, true],
    [paths.home, `.usage.json.${dead}.89abcdef.tmp`, true],
    [paths.sessionsDir, `.${ID}.json.${alive}.0123abcd.tmp`, false],
    [paths.sessionsDir, `${ID}.json.4242`, true],
    [paths.sessionsDir, `${ID}.json`, false],
    [paths.sessionsDir, `.${ID}.json.${dead}.XYZ.tmp`, false],
    [paths.eventsDir, `.${ID}.jsonl.${dead}.0123abcd.tmp`, false],
  ]
  for (const [dir, name] of names) writeFileSync(join(dir, name), 'x')
  t.equal(await removeStaleTempFiles(paths), names.filter(n => n[2]).length)
  for (const [dir, name, removed] of names) t.equal(readdirSync(dir).includes(name), !removed, `${name}: ${removed ? 'removed' : 'kept'}`)
})

t.test('badTimeField: the first key named like a time that holds no valid time', async t => {
  const values: [unknown, string | null][] = [
    [{ retryAt: 1795579320000, at: null, lastRun: { startedAt: 1795579320000 } }, null],
    [{ retryAt: '2026-11-25T04:02:00Z' }, 'context.retryAt'],
    [{ limit: { resetAt: Number.NaN } }, 'context.limit.resetAt'],
    [{ history: [{ at: -1e17 }] }, 'context.history.0.at'],
    [{ attempts: 'x', label: 'not a time' }, null],
    [null, null],
    ['text', null],
  ]
  for (const [value, where] of values) t.equal(badTimeField(value, 'context'), where, JSON.stringify(value))
})
