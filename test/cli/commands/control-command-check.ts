// What `resume` and `cancel` each promise: one record of their event in the session's journal,
// from the CLI, stamped with the clock, and exit 0.
import type { Test } from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo, type CliIo } from '../../../src/cli/cli-io.js'
import { parseJournalLine } from '../../../src/journal/event-record.js'

const NOW = Date.parse('2026-11-25T03:01:15.959Z')
const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'

export async function checkOneRecord(t: Test, command: (id: string, io: CliIo) => Promise<number>, event: string, verb: string): Promise<void> {
  const home = t.testdir()
  const journal = join(home, 'sessions', 'events', `${ID}.jsonl`)
  mkdirSync(join(home, 'sessions', 'events'), { recursive: true })
  writeFileSync(journal, '')
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, cwd: home, now: () => NOW })
  t.equal(await command(ID, io), 0, io.err)
  const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean)
  t.equal(lines.length, 1, 'one record')
  const parsed = parseJournalLine(lines[0]!)
  t.ok(parsed.ok, 'a valid record')
  t.match(parsed.ok && parsed.value, { event, sessionId: ID, origin: 'cli', ts: '2026-11-25T03:01:15.959Z' })
  t.ok(io.out.startsWith(`${verb} requested for session ${ID}: `), io.out)
}
