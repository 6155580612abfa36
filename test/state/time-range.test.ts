// The times the product accepts: table-driven.
import t from 'tap'
import { EARLIEST_TIME_MS, isoOrNull, isPlausibleReset, isValidTime, LATEST_TIME_MS, MAX_RESET_DISTANCE_MS } from '../../state/time-range.js'

const NOW = Date.parse('2026-11-28T12:00:00Z')

t.test('isValidTime', async t => {
  const cases: [unknown, boolean][] = [
    [NOW, true],
    [EARLIEST_TIME_MS, true],
    [LATEST_TIME_MS, true],
    [EARLIEST_TIME_MS - 1, false],
    [LATEST_TIME_MS + 1, false],
    [NOW / 1000, false], // seconds taken for milliseconds
    [NOW * 1000, false], // microseconds
    [1e14, false],
    [NaN, false],
    [Infinity, false],
    [String(NOW), false],
    [null, false],
  ]
  for (const [value, valid] of cases) t.equal(isValidTime(value), valid, String(value))
})

t.test('isPlausibleReset: within a year of when the limit was seen', async t => {
  t.equal(isPlausibleReset(NOW + 5 * 3_600_000, NOW), true)
  t.equal(isPlausibleReset(NOW - 3_600_000, NOW), true, 'a reset just passed')
  t.equal(isPlausibleReset(NOW + MAX_RESET_DISTANCE_MS, NOW), true)
  t.equal(isPlausibleReset(NOW + MAX_RESET_DISTANCE_MS + 1, NOW), false)
  t.equal(isPlausibleReset(NOW - MAX_RESET_DISTANCE_MS - 1, NOW), false)
  t.equal(isPlausibleReset(1e14, NOW), false)
})

t.test('isoOrNull never throws', async t => {
  t.equal(isoOrNull(NOW), '2026-11-28T12:00:00.000Z')
  for (const value of [null, undefined, 1e16, -1, NaN, 'x']) t.equal(isoOrNull(value), null, String(value))
})
