// The CLI in-process: help, version, usage errors (exit 2, one line), config errors, and that
// nothing reaches the user as a stack trace.
import t from 'tap'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import { DEFAULT_LOG_LINES } from '../../src/cli/commands/logs.js'
import { processDir } from '../helpers/process-dir.js'

const NOW = Date.parse('2026-11-25T03:01:15.959Z')
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

process.env.TZ = 'UTC'

const { main } = await import('../../src/cli/main.js')

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const home = processDir(t)
  const io = captureIo({ env: { HOME: '/home/user', SESSION_RETRY_HOME: home, ...env }, now: () => NOW, cwd: home })
  return main(argv, io).then(code => ({ code, out: io.out, err: io.err, home }))
}

t.test('imported cold, main does not run and sets no exit code', async t => {
  t.type(main, 'function')
  t.equal(process.exitCode, undefined)
})

t.test('--help for the program and each command: stdout, exit 0', async t => {
  const top = await run(['--help'])
  t.equal(top.code, 0)
  t.equal(top.err, '')
  t.match(top.out, /^Usage: session-retry \[options\] \[command\]/)
  for (const name of ['status', 'sessions', 'schedules', 'resume', 'cancel', 'supervisor', 'logs', 'parse-limit']) {
    t.match(top.out, new RegExp(`\\n  ${name}\\b`), `lists ${name}`)
  }
  const commands = [
    ['status'],
    ['sessions'],
    ['schedules'],
    ['resume'],
    ['cancel'],
    ['supervisor'],
    ['supervisor', 'run'],
    ['supervisor', 'start'],
    ['supervisor', 'stop'],
    ['supervisor', 'status'],
    ['logs'],
    ['parse-limit'],
  ]
  for (const argv of commands) {
    const r = await run([...argv, '--help'])
    t.equal(r.code, 0, `${argv.join(' ')} --help exits 0`)
    t.equal(r.err, '')
    t.match(r.out, new RegExp(`^Usage: session-retry ${argv.join(' ')} `), `${argv.join(' ')} --help`)
  }
  const help = await run(['help', 'logs'])
  t.equal(help.code, 0)
  t.match(help.out, /^Usage: session-retry logs /)
  t.match(help.out, /-f, --follow/)
  t.match(help.out, `how many lines (default ${DEFAULT_LOG_LINES})`, 'the help names the real default')
})

t.test('--version and -v print the package version', async t => {
  for (const flag of ['--version', '-v']) {
    const r = await run([flag])
    t.same(r, { ...r, code: 0, out: `${pkg.version}\n`, err: '' }, flag)
  }
})

t.test('usage errors: exit 2, one line on stderr, nothing on stdout', async t => {
  const cases: [string[], RegExp][] = [
    [['foo'], /unknown command 'foo' \(see session-retry --help\)/],
    [['stauts'], /unknown command 'stauts' — did you mean status\?/],
    [['resume'], /missing required argument 'session-id' \(see session-retry resume --help\)/],
    [['cancel'], /missing required argument 'session-id'/],
    [['resume', 'a', 'b'], /too many arguments/],
    [['supervisor'], /"session-retry supervisor" needs a command: run, start, stop, status/],
    [['supervisor', 'foo'], /unknown command 'foo' \(see session-retry supervisor --help\)/],
    [['status', '--bogus'], /unknown option '--bogus' \(see session-retry status --help\)/],
    [['status', 'extra'], /too many arguments for 'status'/],
    [['logs', '-n', 'x'], /-n must be a whole number/],
    [['logs', '-n'], /option '-n, --lines <count>' argument missing/],
    [['parse-limit'], /give the limit text/],
    [['parse-limit', '--now', 'yesterday', 'x'], /--now must be an ISO-8601 time/],
    [['parse-limit', '--tz', 'Mars/Olympus', 'x'], /--tz must be an IANA time zone/],
    [['resume', '../x'], /"\.\.\/x" is not a session id/],
    [['cancel', '/etc/passwd'], /"\/etc\/passwd" is not a session id/],
  ]
  for (const [argv, message] of cases) {
    const r = await run(argv)
    t.equal(r.code, 2, `${argv.join(' ')}: exit 2`)
    t.equal(r.out, '', `${argv.join(' ')}: no stdout`)
    t.match(r.err, /^session-retry: [^\n]+\n$/, `${argv.join(' ')}: one line`)
    t.match(r.err, message, argv.join(' '))
  }
})

t.test('a bad environment value is a usage error naming the variable', async t => {
  for (const argv of [['status'], ['resume', 'abc'], ['supervisor', 'run'], ['logs']]) {
    const r = await run(argv, { SESSION_RETRY_PORT: 'eighty' })
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, /^session-retry: SESSION_RETRY_PORT="eighty" is not a whole number\n$/)
  }
})

t.test('a bare session-retry runs status', async t => {
  const r = await run([])
  t.equal(r.code, 0)
  t.match(r.out, /^no sessions yet in .*\nsupervisor: not running — start it with: session-retry supervisor start\n$/)
})

t.test('an unexpected failure is one line and exit 1, not a stack trace', async t => {
  const home = processDir(t)
  // The journal is a folder: the append fails with EISDIR.
  mkdirSync(join(home, 'sessions', 'events', 'abc.jsonl'), { recursive: true })
  const io = captureIo({ env: { SESSION_RETRY_HOME: home }, now: () => NOW })
  t.equal(await main(['resume', 'abc'], io), 1)
  t.match(io.err, /^session-retry: EISDIR[^\n]*\n$/)
  t.notMatch(io.err, /\bat .*\(.*:\d+:\d+\)/)
})
