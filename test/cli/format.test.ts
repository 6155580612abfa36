// The small formatting helpers behind the tables: countdowns, local times, paths, columns,
// and the package version lookup.
import t from 'tap'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { keepTail, tildePath } from '../../src/cli/format-path.js'
import { formatTable } from '../../src/cli/format-table.js'
import { formatCountdown, formatLocalTime, formatRetryTime, formatSpan, localZoneName, parseTime } from '../../src/cli/format-time.js'
import { packageVersion } from '../../src/os/package-version.js'

process.env.TZ = 'UTC'

t.test('formatSpan: two largest units, rounded down', async t => {
  const s = 1000
  const m = 60 * s
  const h = 60 * m
  const cases: [number, string][] = [
    [0, '0s'],
    [59_999, '59s'],
    [m, '1m'],
    [59 * m + 59 * s, '59m'],
    [h, '1h'],
    [h + 23 * m + 59 * s, '1h 23m'],
    [23 * h + 59 * m, '23h 59m'],
    [24 * h, '1d'],
    [2 * 24 * h + 3 * h + 5 * m, '2d 3h'],
  ]
  for (const [ms, text] of cases) t.equal(formatSpan(ms), text, `${ms} ms`)
})

t.test('formatCountdown', async t => {
  const now = Date.parse('2026-11-25T03:00:00Z')
  const cases: [unknown, string][] = [
    ['2026-11-25T04:23:00Z', 'in 1h 23m'],
    ['2026-11-25T03:00:45Z', 'in 45s'],
    ['2026-11-25T03:00:00.500Z', 'now'],
    ['2026-11-25T02:58:00Z', 'overdue 2m'],
    ['2026-11-22T02:00:00Z', 'overdue 3d 1h'],
    [null, '—'],
    [undefined, '—'],
    ['soon', '—'],
    [12345, '—'],
  ]
  for (const [value, text] of cases) t.equal(formatCountdown(value, now), text, String(value))
})

t.test('formatLocalTime in the process zone', async t => {
  t.equal(localZoneName(), 'UTC')
  t.equal(formatLocalTime('2026-11-25T04:01:09.999Z'), '2026-11-25 04:01')
  t.equal(formatLocalTime('2026-11-25T04:01:09.999Z', { seconds: true }), '2026-11-25 04:01:09')
  t.equal(formatLocalTime('2026-03-05T00:00:00+02:00'), '2026-03-04 22:00')
  t.equal(formatLocalTime(null), '—')
  t.equal(formatLocalTime('nope'), '—')
  t.equal(parseTime('2026-11-25T04:01:00Z'), Date.UTC(2026, 10, 25, 4, 1))
  t.equal(parseTime({}), null)
})

t.test('tildePath and keepTail', async t => {
  t.equal(tildePath('/home/user', '/home/user'), '~')
  t.equal(tildePath('/home/user/code', '/home/user'), '~/code')
  t.equal(tildePath('/home/user/code', '/home/user/'), '~/code')
  t.equal(tildePath('/home/username/code', '/home/user'), '/home/username/code', 'a prefix is not a parent')
  t.equal(tildePath('/srv/x', undefined), '/srv/x')
  t.equal(tildePath('/srv/x', '/'), '/srv/x')
  t.equal(tildePath(null, '/home/user'), '—')
  t.equal(tildePath('', '/home/user'), '—')
  t.equal(keepTail('abcdef', 6), 'abcdef')
  t.equal(keepTail('abcdefg', 6), '…cdefg')
  t.equal(keepTail('ééééééé', 3), '…éé', 'counts characters, not bytes')
})

t.test('formatTable pads columns, leaves no trailing blanks', async t => {
  t.equal(
    formatTable(['A', 'LONG HEADER', 'C'], [
      ['one', 'x', ''],
      ['—', 'yy', 'last'],
    ]),
    'A    LONG HEADER  C\none  x\n—    yy           last\n',
  )
  t.equal(formatTable(['ONLY'], []), 'ONLY\n')
})

t.test('packageVersion walks up to this package’s package.json', async t => {
  t.match(packageVersion(), /^\d+\.\d+\.\d+/)
  const other = t.testdir({ 'package.json': '{"name":"other","version":"9.9.9"}', 'no-version': { 'package.json': '{"name":"smart-session-retry"}' } })
  t.equal(packageVersion(pathToFileURL(join(other, 'no-version', 'x.js')).href), packageVersion(), 'another package is passed by')
  t.equal(packageVersion('file:///x.js'), 'unknown', 'none up to the root')
  const nested = t.testdir({ 'package.json': '{"name":"smart-session-retry","version":"1.2.3"}', dist: { src: { 'not-json': { 'package.json': '{' } } } })
  t.equal(packageVersion(pathToFileURL(join(nested, 'dist', 'src', 'not-json', 'main.js')).href), '1.2.3')
})

t.test('formatRetryTime: a retry days away gets its weekday and time', async t => {
  const now = Date.parse('2026-11-26T05:00:00Z') // a Thursday
  const cases: [unknown, string][] = [
    ['2026-11-30T09:00:00Z', 'Mon 09:00, in 4d 4h'],
    ['2026-11-27T05:00:01Z', 'Fri 05:00, in 1d'],
    ['2026-11-27T05:00:00Z', 'in 1d'],
    ['2026-11-26T06:30:00Z', 'in 1h 30m'],
    ['2026-11-20T06:30:00Z', 'overdue 5d 22h'],
    [null, '—'],
  ]
  for (const [value, text] of cases) t.equal(formatRetryTime(value, now), text, String(value))
})
