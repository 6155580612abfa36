// logs: the last n lines of <home>/logs/session-retry.log, readable or raw, and -f following
// new lines (and a truncated or late file) until the stop signal.
import t from 'tap'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { formatLogLine } from '../../../src/cli/commands/logs.js'
import { waitFor } from '../../helpers/wait-for.js'

process.env.TZ = 'UTC'

const { main } = await import('../../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const record = (i: number, fields: object = {}) =>
  JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 25, 3, 0, i)).toISOString(), level: 'info', msg: `line ${i}`, ...fields })

function logHome(t: Test, lines: string[] | null, tail = '\n'): { home: string; log: string } {
  const home = t.testdir()
  const log = join(home, 'logs', 'session-retry.log')
  if (lines) {
    mkdirSync(join(home, 'logs'), { recursive: true })
    writeFileSync(log, lines.join('\n') + (lines.length ? tail : ''))
  }
  return { home, log }
}

async function run(argv: string[], home: string) {
  const io = captureIo({ env: { SESSION_RETRY_HOME: home } })
  const code = await main(argv, io)
  return { code, out: io.out, err: io.err }
}

t.test('no log yet: one line, exit 1', async t => {
  const { home } = logHome(t, null)
  const r = await run(['logs'], home)
  t.equal(r.code, 1)
  t.match(r.err, /^session-retry: no log yet: .*session-retry\.log does not exist \(the supervisor writes it when it runs\)\n$/)
})

t.test('the last 50 lines by default, -n to choose, readable by default', async t => {
  const lines = Array.from({ length: 60 }, (_, i) => record(i))
  const { home } = logHome(t, lines)
  const r = await run(['logs'], home)
  t.equal(r.code, 0)
  const out = r.out.split('\n').filter(Boolean)
  t.equal(out.length, 50)
  t.equal(out[0], '2026-11-25 03:00:10 info  line 10')
  t.equal(out[49], '2026-11-25 03:00:59 info  line 59')
  t.equal((await run(['logs', '-n', '3'], home)).out, ['57', '58', '59'].map(i => `2026-11-25 03:00:${i} info  line ${i}\n`).join(''))
  t.equal((await run(['logs', '--lines', '0'], home)).out, '')
  t.equal((await run(['logs', '-n', '2', '--json'], home)).out, lines.slice(-2).join('\n') + '\n', '--json: the raw lines')
  t.equal((await run(['logs', '-n', '100'], home)).out.split('\n').filter(Boolean).length, 60, 'fewer lines than asked')
})

t.test('a last line without its newline is shown; empty lines are skipped', async t => {
  const { home } = logHome(t, [record(1), '', record(2), '{"ts":"2026-11-25T03:00:03.000Z","level":"info","msg":"torn'], '')
  const r = await run(['logs', '--json'], home)
  t.equal(r.out, [record(1), record(2), '{"ts":"2026-11-25T03:00:03.000Z","level":"info","msg":"torn'].join('\n') + '\n')
})

t.test('formatLogLine: fields, odd lines as they are', async t => {
  t.equal(
    formatLogLine(record(5, { sessionId: 'abc', error: 'two words', n: 3, ok: true, obj: { a: 1 } })),
    '2026-11-25 03:00:05 info  line 5 sessionId=abc error="two words" n=3 ok=true obj={"a":1}',
  )
  t.equal(formatLogLine('plain text'), 'plain text')
  t.equal(formatLogLine('[1,2]'), '[1,2]')
  t.equal(formatLogLine('null'), 'null')
  t.equal(formatLogLine('{"ts":"x","level":"warn"}'), '{"ts":"x","level":"warn"}', 'no msg: as is')
  t.equal(formatLogLine('{"msg":"m"}'), '—       m', 'no time, no level')
})

t.test('-f prints new complete lines until stopped, and follows a truncated file from its start', async t => {
  const { home, log } = logHome(t, [record(1), record(2)])
  const stop = new AbortController()
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, signal: stop.signal })
  const running = main(['logs', '-f', '-n', '1', '--json'], io)
  await waitFor(() => io.out === record(2) + '\n', { what: 'the last line' })
  appendFileSync(log, record(3) + '\n' + record(4).slice(0, 20))
  await waitFor(() => io.out.includes(record(3)), { what: 'an appended line' })
  t.notMatch(io.out, 'line 4', 'a line still being written waits')
  appendFileSync(log, record(4).slice(20) + '\n')
  await waitFor(() => io.out.includes(record(4)), { what: 'the completed line' })
  writeFileSync(log, record(9) + '\n')
  await waitFor(() => io.out.includes(record(9)), { what: 'the line after truncation' })
  t.match(io.err, /note: .* was truncated or replaced; following it from its start\n/)
  stop.abort()
  t.equal(await running, 0)
  t.equal(io.out, [2, 3, 4, 9].map(i => record(i)).join('\n') + '\n')
})

t.test('-f on a log that does not exist yet waits for it', async t => {
  const { home, log } = logHome(t, null)
  const stop = new AbortController()
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, signal: stop.signal })
  const running = main(['logs', '-f'], io)
  await waitFor(() => io.err.includes('does not exist yet'), { what: 'the note' })
  mkdirSync(join(home, 'logs'))
  writeFileSync(log, record(7) + '\n')
  await waitFor(() => io.out.includes('line 7'), { what: 'the first line' })
  stop.abort()
  t.equal(await running, 0)
  t.equal(io.out, '2026-11-25 03:00:07 info  line 7\n')
})

t.test('-f with a torn last line at start waits for it to complete', async t => {
  const { home, log } = logHome(t, [record(1), record(2).slice(0, 10)], '')
  const stop = new AbortController()
  stop.abort()
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, signal: stop.signal })
  t.equal(await main(['logs', '-f', '--json'], io), 0, 'an already aborted signal stops at once')
  t.equal(io.out, record(1) + '\n')
  const stop2 = new AbortController()
  const io2 = captureIo({ env: { SESSION_RETRY_HOME: home }, signal: stop2.signal })
  const running = main(['logs', '-f', '--json'], io2)
  await waitFor(() => io2.out.includes('line 1'))
  appendFileSync(log, record(2).slice(10) + '\n')
  await waitFor(() => io2.out.includes('line 2'))
  stop2.abort()
  t.equal(await running, 0)
  t.equal(io2.out, record(1) + '\n' + record(2) + '\n')
})
