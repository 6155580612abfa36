import t from 'tap'
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { appendRecord } from '../../src/journal/append-record.js'
import { parseJournalLine, type JournalRecord } from '../../src/journal/event-record.js'
import { homePaths } from '../../src/home/home-paths.js'

const record = (id: string): JournalRecord => ({ v: 1, id, ts: '2026-11-25T00:00:00.000Z', event: 'Stop', sessionId: 's1', origin: 'cli' })

t.test('appends one line per record, 0600', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  appendRecord(paths, record('a'))
  appendRecord(paths, record('b'))
  const lines = readFileSync(join(paths.eventsDir, 's1.jsonl'), 'utf8').split('\n')
  t.same(lines.slice(0, 2).map(l => JSON.parse(l).id), ['a', 'b'])
  t.equal(lines[2], '')
  t.equal(statSync(join(paths.eventsDir, 's1.jsonl')).mode & 0o777, 0o600, 'the journal is 0600')
  t.equal(statSync(paths.eventsDir).mode & 0o777, 0o700, 'its folder is 0700')
})

t.test('a line torn by an earlier failure does not swallow the next record', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  mkdirSync(paths.eventsDir, { recursive: true })
  writeFileSync(join(paths.eventsDir, 's1.jsonl'), '{"v":1,"id":"torn","ts":"2026')
  appendRecord(paths, record('next'))
  const lines = readFileSync(join(paths.eventsDir, 's1.jsonl'), 'utf8').split('\n').filter(Boolean)
  t.equal(lines.length, 2)
  t.notOk(parseJournalLine(lines[0]!).ok)
  t.match(parseJournalLine(lines[1]!), { ok: true, value: { id: 'next' } })
})

t.test('a planted symlink is not followed', async t => {
  const dir = t.testdir({ target: 'do not touch' })
  const paths = homePaths(join(dir, 'home'))
  mkdirSync(paths.eventsDir, { recursive: true })
  symlinkSync(join(dir, 'target'), join(paths.eventsDir, 's1.jsonl'))
  t.throws(() => appendRecord(paths, record('x')), { code: 'EUNSAFE', message: /s1\.jsonl: it is a symbolic link/ })
  t.equal(readFileSync(join(dir, 'target'), 'utf8'), 'do not touch')
})

t.test('a symlinked events folder is refused, and its target left alone', async t => {
  const dir = t.testdir({ elsewhere: {} })
  const paths = homePaths(join(dir, 'home'))
  mkdirSync(paths.sessionsDir, { recursive: true })
  symlinkSync(join(dir, 'elsewhere'), paths.eventsDir)
  t.throws(() => appendRecord(paths, record('x')), { code: 'EUNSAFE', message: /events is a symbolic link/ })
  t.same(readdirSync(join(dir, 'elsewhere')), [])
})

t.test('a short write and a failing disk: an error that says so, the journal left to the next writer', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  appendRecord(paths, record('before'))
  const file = join(paths.eventsDir, 's1.jsonl')
  // Half the line reaches the disk, as on a disk that fills up mid-write.
  const half = (fd: number, bytes: Buffer) => writeSync(fd, bytes.subarray(0, bytes.length >> 1))
  t.throws(() => appendRecord(paths, record('torn'), half), { code: 'ESHORTWRITE', message: /short write to .*s1\.jsonl \(\d+ of \d+ bytes\)/ })
  const full = () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
  }
  t.throws(() => appendRecord(paths, record('lost'), full), { code: 'ENOSPC' })
  appendRecord(paths, record('after'))
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  t.same(lines.map(line => parseJournalLine(line).ok), [true, false, true], 'the torn half stands alone; the next record starts a fresh line')
  t.equal(JSON.parse(lines[2]!).id, 'after')
})
