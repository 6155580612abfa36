// `session-retry cancel <session-id>`: ask the supervisor to drop a session's pending schedule, as
// one ScheduleCancelled record in the session's journal. What every control request shares
// (prefixes, unknown and hostile ids, notes) is tested in test/cli/request-control.test.ts.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { cancelCommand } from '../../../src/cli/commands/cancel.js'
import { parseJournalLine } from '../../../src/journal/event-record.js'

const NOW = Date.parse('2026-11-25T03:01:15.959Z')
const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'

t.test('cancel appends one ScheduleCancelled record for the session, exit 0', async t => {
  const home = t.testdir()
  const journal = join(home, 'sessions', 'events', `${ID}.jsonl`)
  mkdirSync(join(home, 'sessions', 'events'), { recursive: true })
  writeFileSync(journal, '')
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, cwd: home, now: () => NOW })
  t.equal(await cancelCommand(ID, io), 0, io.err)
  const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean)
  t.equal(lines.length, 1, 'one record')
  const parsed = parseJournalLine(lines[0]!)
  t.ok(parsed.ok, 'a valid record')
  t.match(parsed.ok && parsed.value, { event: 'ScheduleCancelled', sessionId: ID, origin: 'cli', ts: '2026-11-25T03:01:15.959Z' })
  t.ok(io.out.startsWith(`cancel requested for session ${ID}: `), io.out)
})
