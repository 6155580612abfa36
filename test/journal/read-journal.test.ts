import t from 'tap'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_LINE_BYTES, readJournalFrom } from '../../src/journal/read-journal.js'

t.test('reads whole lines from an offset and leaves a partial line for later', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, 'one\ntwo\nthr')
  const first = readJournalFrom(file, 0)
  t.same(first.lines.map(l => l.text), ['one', 'two'])
  t.equal(first.end, 8)
  t.same(first.lines.map(l => l.end), [4, 8])
  appendFileSync(file, 'ee\n')
  const second = readJournalFrom(file, first.end)
  t.same(second.lines.map(l => l.text), ['three'])
  t.equal(second.end, 14)
  const none = readJournalFrom(file, second.end)
  t.same(none, { lines: [], end: 14, truncated: false })
})

t.test('a journal shorter than the offset is reported as truncated', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, 'a\n')
  t.match(readJournalFrom(file, 100), { truncated: true, lines: [] })
})

t.test('lines longer than one read and multi-byte characters survive chunking', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  const long = 'é'.repeat(300_000)
  writeFileSync(file, `${long}\nshort\n`)
  const chunk = readJournalFrom(file, 0)
  t.equal(chunk.lines.length, 2)
  t.equal(chunk.lines[0]!.text, long)
  t.equal(chunk.lines[1]!.text, 'short')
})

t.test('a missing file throws ENOENT; a symbolic link is not followed', async t => {
  const dir = t.testdir({ 'real.jsonl': 'a\n', 'link.jsonl': t.fixture('symlink', 'real.jsonl') })
  t.throws(() => readJournalFrom(join(dir, 'missing.jsonl'), 0), { code: 'ENOENT' })
  t.throws(() => readJournalFrom(join(dir, 'link.jsonl'), 0), { code: 'ELOOP' })
})

t.test('pinned: a line may be 1 MiB long', async t => {
  t.equal(MAX_LINE_BYTES, 1024 * 1024)
})

t.test('a line longer than the cap comes back oversized, with its head only, and the offset moves past it', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  const huge = 'x'.repeat(MAX_LINE_BYTES + 5)
  writeFileSync(file, `first\n${huge}\nafter\n`)
  const chunk = readJournalFrom(file, 0)
  t.same(chunk.lines.map(l => [l.text.length, l.oversizedBytes]), [[5, undefined], [MAX_LINE_BYTES, MAX_LINE_BYTES + 5], [5, undefined]])
  t.equal(chunk.lines[2]!.text, 'after')
  t.equal(chunk.end, 6 + huge.length + 1 + 6)
})

t.test('a huge line with no newline is consumed once, not rescanned on every read', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, `ok\n${'y'.repeat(3 * MAX_LINE_BYTES)}`)
  const first = readJournalFrom(file, 0)
  t.same(first.lines.map(l => l.oversizedBytes), [undefined, 3 * MAX_LINE_BYTES])
  t.equal(first.end, 3 + 3 * MAX_LINE_BYTES, 'everything read is behind the offset')
  // The writer goes on and finally ends its line; what follows is read as usual.
  appendFileSync(file, 'tail of the junk\nnext\n')
  const second = readJournalFrom(file, first.end)
  t.same(second.lines.map(l => l.text), ['tail of the junk', 'next'])
})

t.test('a line that is short enough but unfinished still waits for its newline', async t => {
  const file = join(t.testdir(), 'j.jsonl')
  writeFileSync(file, 'a'.repeat(MAX_LINE_BYTES))
  t.same(readJournalFrom(file, 0), { lines: [], end: 0, truncated: false })
})
