import t from 'tap'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readJournalFrom } from '../../src/journal/read-journal.js'

t.test('reads whole lines from an offset and leaves a partial line for later', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, 'one\ntwo\nthr')
  const first = await readJournalFrom(file, 0)
  t.same(first.lines.map(l => l.text), ['one', 'two'])
  t.equal(first.end, 8)
  t.same(first.lines.map(l => l.end), [4, 8])
  appendFileSync(file, 'ee\n')
  const second = await readJournalFrom(file, first.end)
  t.same(second.lines.map(l => l.text), ['three'])
  t.equal(second.end, 14)
  const none = await readJournalFrom(file, second.end)
  t.same(none, { lines: [], end: 14, truncated: false })
})

t.test('a journal shorter than the offset is reported as truncated', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, 'a\n')
  t.match(await readJournalFrom(file, 100), { truncated: true, lines: [] })
})

t.test('lines longer than one read and multi-byte characters survive chunking', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  const long = 'é'.repeat(300_000)
  writeFileSync(file, `${long}\nshort\n`)
  const chunk = await readJournalFrom(file, 0)
  t.equal(chunk.lines.length, 2)
  t.equal(chunk.lines[0]!.text, long)
  t.equal(chunk.lines[1]!.text, 'short')
})

t.test('a missing file rejects with ENOENT', async t => {
  await t.rejects(readJournalFrom(join(t.testdir(), 'missing.jsonl'), 0), { code: 'ENOENT' })
})
