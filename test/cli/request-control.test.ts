// requestControl, through the resume and cancel commands: each appends exactly one valid journal
// record (origin cli) and changes nothing else; hostile ids never reach the file system.
import t from 'tap'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import { parseJournalLine } from '../../src/journal/event-record.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'
import { state as stateOf } from './commands/read-command-fixtures.js'

const { main } = await import('../../src/cli/main.js')

const NOW = Date.parse('2026-11-25T03:01:15.959Z')
const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

type Test = Parameters<Parameters<typeof t.test>[0]>[0]


function home(t: Test, { journal = [] as string[], states = {} as Record<string, string> } = {}): string {
  const dir = t.testdir()
  mkdirSync(join(dir, 'sessions', 'events'), { recursive: true })
  for (const id of journal) writeFileSync(join(dir, 'sessions', 'events', `${id}.jsonl`), '')
  for (const [id, state] of Object.entries(states)) writeFileSync(join(dir, 'sessions', `${id}.json`), JSON.stringify(stateOf(id, { state: state as SessionStateFile['state'], cwd: '/p' })))
  return dir
}

async function run(argv: string[], dir: string) {
  const io = captureIo({ env: { SESSION_RETRY_HOME: dir }, now: () => NOW, cwd: dir })
  const code = await main(argv, io)
  return { code, out: io.out, err: io.err }
}

function journalLines(dir: string, id: string): string[] {
  const file = join(dir, 'sessions', 'events', `${id}.jsonl`)
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}

for (const [command, event, verb] of [
  ['resume', 'ResumeRequested', 'resume'],
  ['cancel', 'ScheduleCancelled', 'cancel'],
] as const) {
  t.test(`${command} appends exactly one ${event} record`, async t => {
    const dir = home(t, { states: { [ID]: 'scheduled' } })
    const before = readFileSync(join(dir, 'sessions', `${ID}.json`), 'utf8')
    const r = await run([command, ID], dir)
    t.equal(r.code, 0, r.err)
    t.equal(r.out, `${verb} requested for session ${ID}: the supervisor applies it when it runs\n`)
    t.equal(r.err, 'warning: no supervisor is running — start it with: session-retry supervisor start\n')
    const lines = journalLines(dir, ID)
    t.equal(lines.length, 1)
    const parsed = parseJournalLine(lines[0]!)
    t.ok(parsed.ok, 'a valid v1 record')
    if (!parsed.ok) return
    t.same(Object.keys(parsed.value).sort(), ['event', 'id', 'origin', 'sessionId', 'ts', 'v'])
    t.match(parsed.value, { v: 1, event, sessionId: ID, origin: 'cli', ts: '2026-11-25T03:01:15.959Z' })
    t.match(parsed.value.id, UUID_RE)
    t.equal(readFileSync(join(dir, 'sessions', `${ID}.json`), 'utf8'), before, 'the state file is the supervisor’s to change')
    await run([command, ID], dir)
    const ids = journalLines(dir, ID).map(line => JSON.parse(line).id)
    t.equal(ids.length, 2)
    t.not(ids[0], ids[1], 'a fresh id each time')
  })
}

t.test('a session known only by its journal; the record goes after the existing lines', async t => {
  const dir = home(t, { journal: [ID] })
  const hookLine = JSON.stringify({ v: 1, id: 'h1', ts: '2026-11-25T03:00:00.000Z', event: 'StopFailure', sessionId: ID, origin: 'hook' })
  writeFileSync(join(dir, 'sessions', 'events', `${ID}.jsonl`), hookLine + '\n')
  const r = await run(['resume', ID], dir)
  t.equal(r.code, 0)
  const lines = journalLines(dir, ID)
  t.equal(lines.length, 2)
  t.equal(lines[0], hookLine)
  t.match(JSON.parse(lines[1]!), { event: 'ResumeRequested' })
})

t.test('a unique prefix is enough; an ambiguous one is a usage error', async t => {
  const other = '3f2a1b4c-ffff-4f70-8a9b-0c1d2e3f4a5b'
  const dir = home(t, { states: { [ID]: 'scheduled', [other]: 'limited' } })
  const r = await run(['cancel', '3f2a1b4c-5d'], dir)
  t.equal(r.code, 0, r.err)
  t.match(r.out, `session ${ID}:`)
  t.equal(journalLines(dir, ID).length, 1)
  const ambiguous = await run(['cancel', '3f2a1b4c'], dir)
  t.equal(ambiguous.code, 2)
  t.match(ambiguous.err, /^session-retry: "3f2a1b4c" matches 2 sessions \(3f2a1b4c-5d6e-[^)]*, 3f2a1b4c-ffff-[^)]*\): give more of the id\n$/)
  const short = await run(['cancel', '3f2'], dir)
  t.equal(short.code, 1, 'prefixes under 4 characters are not guessed')
  t.equal(journalLines(dir, other).length, 0)
})

t.test('no such session: exit 1, nothing written', async t => {
  const dir = home(t)
  const r = await run(['resume', 'deadbeef-0000-4000-8000-000000000000'], dir)
  t.equal(r.code, 1)
  t.match(r.err, /^session-retry: no such session deadbeef-0000-4000-8000-000000000000 \(no journal and no state file in .*\)\n$/)
  t.same(readdirSync(join(dir, 'sessions', 'events')), [])
})

t.test('hostile ids are refused before they reach the file system', async t => {
  const dir = home(t, { states: { [ID]: 'scheduled' } })
  const hostile = ['../x', '/etc/passwd', '..', '.', 'a/b', 'a\\b', 'x'.repeat(129), 'a b', '', 'ü', `${ID}\n`, '_x']
  for (const id of hostile) {
    for (const command of ['resume', 'cancel']) {
      const r = await run([command, id], dir)
      t.equal(r.code, 2, `${command} ${JSON.stringify(id)}`)
      t.equal(r.out, '')
      t.match(r.err, /^session-retry: .* is not a session id \(letters, digits, "-" and "_", at most 128 characters\)\n$/)
    }
  }
  const optionLike = await run(['resume', '--x'], dir)
  t.equal(optionLike.code, 2, 'an id that looks like an option is an unknown option')
  t.same(readdirSync(join(dir, 'sessions', 'events')), [], 'no journal was created')
  t.notOk(existsSync(join(dir, 'x.jsonl')))
})

t.test('a request the machine will not act on gets a note; a running supervisor is named', async t => {
  const dir = home(t, { states: { [ID]: 'active' } })
  writeFileSync(join(dir, 'supervisor.pid'), `${process.ppid}\n`)
  const r = await run(['resume', ID], dir)
  t.equal(r.code, 0)
  t.equal(r.out, `resume requested for session ${ID}: the supervisor (pid ${process.ppid}) applies it\n`)
  t.equal(
    r.err,
    'note: the session was last seen active; a resume request acts only on a session that is limited, scheduled, due, needsUser, exhausted, cancelled\n',
  )
  t.equal(journalLines(dir, ID).length, 1, 'still recorded: the state file may be behind the journal')
})
