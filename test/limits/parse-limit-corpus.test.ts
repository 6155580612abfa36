// The corpus table: every public limit text in limit-corpus.ts, read at its fixed `now` in its
// zone, must give the expected category, kind, family and exact reset instant.
import t from 'tap'
import { parseLimitMessage } from '../../src/limits/parse-limit-message.js'
import { buildRows, instantOf, verdictDiffs, type BuiltRow } from './corpus-expectations.js'

const rows = buildRows()

// The score counts verdicts (category, kind, reset instant): what a sleeping user depends on.
// The family is checked too, but kept out of the score so the parser before and after compare.
function check(row: BuiltRow): { verdict: string[]; family: string[] } {
  const got = parseLimitMessage(row.text, { now: row.nowMs, timeZone: row.tz })
  const family = (got as { family?: unknown }).family ?? null
  return { verdict: verdictDiffs(row, got), family: family === row.family ? [] : [`family ${String(family)} != ${String(row.family)}`] }
}

t.test('the corpus is big enough and names a source for every row', async (t) => {
  t.ok(rows.length >= 150, `${rows.length} rows`)
  for (const row of rows) t.ok(row.source.trim().length > 5, `row ${row.index} has a source`)
})

t.test('the builder refuses wall times that do not exist', async (t) => {
  t.throws(() => instantOf('2026-03-29T02:30 Europe/Berlin'), /does not exist|not a wall time/)
  t.throws(() => instantOf('2026-02-30T10:00 UTC'))
  t.throws(() => instantOf('2026-07-01T10:00 Mars/Olympus'))
  t.equal(instantOf('2026-07-01T10:00 Asia/Tokyo'), Date.parse('2026-07-01T01:00:00Z'))
})

for (const part of ['dev', 'held-out'] as const) {
  t.test(`corpus rows (${part})`, async (t) => {
    const mine = rows.filter((row) => row.heldOut === (part === 'held-out'))
    let right = 0
    for (const row of mine) {
      const { verdict, family } = check(row)
      if (verdict.length === 0) right++
      t.same([...verdict, ...family], [], `#${row.index} [${row.source}] ${JSON.stringify(row.text.slice(0, 70))}`)
    }
    t.comment(`${part} score: ${right}/${mine.length}`)
  })
}
