// Walking a real file's lines backwards in chunks: which lines are visited, where complete lines end, when it stops.
import t from 'tap'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { scanLinesBackward, type ScanRange } from '../../src/limits/tail-lines.js'

interface Case {
  name: string
  content: string
  range: Partial<ScanRange> & { chunkBytes: number }
  stopAt?: string
  visited: string[]
  scanned: number
  completeEnd: number
  stopped?: boolean
}

const cases: Case[] = [
  { name: 'whole file, small chunks: the empty tail after the last newline comes first', content: 'a\nb\nc\n', range: { chunkBytes: 4 }, visited: ['', 'c', 'b', 'a'], scanned: 6, completeEnd: 6 },
  { name: 'a torn newest line is passed as is; complete lines end before it', content: 'a\nb\npart', range: { chunkBytes: 3 }, visited: ['part', 'b', 'a'], scanned: 8, completeEnd: 4 },
  { name: 'no newline at all: one line, no complete lines', content: 'abc', range: { chunkBytes: 2 }, visited: ['abc'], scanned: 3, completeEnd: 0 },
  { name: 'from inside a line: the cut line is not passed', content: 'aaa\nbbb\nccc\n', range: { from: 2, chunkBytes: 4 }, visited: ['', 'ccc', 'bbb'], scanned: 10, completeEnd: 12 },
  { name: 'from a line start not known as such: its line is not passed', content: 'aaa\nbbb\nccc\n', range: { from: 4, chunkBytes: 4 }, visited: ['', 'ccc'], scanned: 8, completeEnd: 12 },
  { name: 'from a line start said to be one: its line is passed', content: 'aaa\nbbb\nccc\n', range: { from: 4, chunkBytes: 4, fromIsLineStart: true }, visited: ['', 'ccc', 'bbb'], scanned: 8, completeEnd: 12 },
  { name: 'to before the end: later bytes are not read', content: 'a\nb\nlater\n', range: { to: 4, chunkBytes: 16 }, visited: ['', 'b', 'a'], scanned: 4, completeEnd: 4 },
  { name: 'chunk borders inside UTF-8 characters are harmless', content: 'é\n€€\n', range: { chunkBytes: 1 }, visited: ['', '€€', 'é'], scanned: 10, completeEnd: 10 },
  { name: 'visit stops the walk: the rest is not read', content: 'x'.repeat(100) + '\nlast\n', range: { chunkBytes: 64, firstChunkBytes: 8 }, stopAt: 'last', visited: ['', 'last'], scanned: 8, completeEnd: 106, stopped: true },
  { name: 'stopping at the oldest line, passed at the start of the file', content: 'first\nsecond', range: { chunkBytes: 64 }, stopAt: 'first', visited: ['second', 'first'], scanned: 12, completeEnd: 6, stopped: true },
  { name: 'an empty range visits nothing', content: 'abc\n', range: { from: 4, to: 4, chunkBytes: 4 }, visited: [], scanned: 0, completeEnd: 4 },
  { name: 'a file shorter than to (it shrank): what is there', content: 'abc\n', range: { to: 10, chunkBytes: 16 }, visited: ['', 'abc'], scanned: 10, completeEnd: 4 },
]

t.test('lines newest first, and the scan result', async t => {
  const dir = t.testdir({})
  for (const [i, c] of cases.entries()) {
    const path = join(dir, `${i}.txt`)
    const file = await open(path, 'w+')
    try {
      await file.writeFile(c.content)
      const visited: string[] = []
      const range = { from: 0, to: Buffer.byteLength(c.content), ...c.range }
      const scan = await scanLinesBackward(file, range, line => {
        visited.push(line.toString('utf8'))
        return line.toString('utf8') === c.stopAt
      })
      t.same(visited, c.visited, c.name)
      t.same(scan, { scanned: c.scanned, completeEnd: c.completeEnd, stopped: c.stopped ?? false }, `${c.name}: result`)
    } finally {
      await file.close()
    }
  }
})
