// Starting the supervisor in the background and reading its output file back, against stand-in
// CLI scripts (real detached processes that behave as asked) rather than the real supervisor, so
// every outcome of a start (ready, exited, another supervisor, slow) is reached on purpose.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { formatIdentity, identify } from '../../src/os/process-identity.js'
import {
  autostartDisabled,
  CLAUDE_SESSION_VARIABLES,
  formatReadyLine,
  OUTPUT_TAIL_LINES,
  parseReadyLine,
  readLastStart,
  startSupervisorProcess,
  supervisorAlive,
  supervisorEnvironment,
  type StartOutcome,
} from '../../src/hook/autostart-supervisor.js'
import { processDir } from '../helpers/process-dir.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

// STAND_IN: ready (prints its argv, cwd and environment, then the ready line, and stays),
// noapi (ready, after the line saying its API did not start), crash (prints, exits 3),
// chatty (prints more lines than are kept, exits 1), wrongpid (a ready line naming another pid,
// then exits), slow (stays, never ready).
const STAND_IN = `
const mode = process.env.STAND_IN
const home = process.env.SESSION_RETRY_HOME
console.log('argv: ' + process.argv.slice(2).join(' '))
console.log('node flags: ' + process.execArgv.join(' '))
console.log('cwd: ' + process.cwd())
console.log('env: ' + JSON.stringify({ CLAUDECODE: process.env.CLAUDECODE ?? null, CLAUDE_PLUGIN_ROOT: process.env.CLAUDE_PLUGIN_ROOT ?? null, KEEP_ME: process.env.KEEP_ME ?? null, SESSION_RETRY_HOME: home }))
if (mode === 'crash') {
  console.error('boom: cannot start')
  process.exit(3)
}
if (mode === 'chatty') {
  for (let i = 1; i <= 30; i++) console.log('line ' + i)
  process.exit(1)
}
if (mode === 'wrongpid') {
  console.log('supervisor: ready (pid 1, home ' + home + ', port 1234)')
  process.exit(0)
}
setInterval(() => {}, 1000)
if (mode === 'noapi') console.error('session-retry: HTTP API not started: listen EADDRINUSE 127.0.0.1:8889')
if (mode !== 'slow') console.log('supervisor: ready (pid ' + process.pid + ', home ' + home + ', port ' + (mode === 'noapi' ? 'none' : '4321') + ')')
`

function setup(t: Test) {
  const dir = processDir(t, { 'stand-in.mjs': STAND_IN, home: {} })
  const paths = homePaths(join(dir, 'home'))
  const started: number[] = []
  // Registered after processDir, so it runs first: no stand-in outlives the test.
  t.teardown(() => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
  })
  const start = async (mode: string, extra: { cliMain?: string; deadlineMs?: number } = {}): Promise<StartOutcome> => {
    const outcome = await startSupervisorProcess(paths, {
      cliMain: extra.cliMain ?? join(dir, 'stand-in.mjs'),
      // As if started from a Claude Code session's Bash tool; no NODE_OPTIONS, so tap does not
      // instrument the stand-in.
      env: { PATH: process.env.PATH, STAND_IN: mode, CLAUDECODE: '1', CLAUDE_PLUGIN_ROOT: '/old/plugin', KEEP_ME: 'yes', SESSION_RETRY_HOME: '/elsewhere' },
      requestedBy: `test ${mode}`,
      now: Date.parse('2030-01-02T03:04:05.000Z'),
      ...(extra.deadlineMs === undefined ? {} : { deadlineMs: extra.deadlineMs }),
    })
    if (outcome.pid !== null) started.push(outcome.pid)
    return outcome
  }
  return { dir, paths, start, output: () => readFileSync(paths.supervisorOutput, 'utf8') }
}

t.test('the ready line: written and read back, anything else is not one', async t => {
  for (const ready of [
    { pid: 1234, home: '/home/u/.session-retry', port: 8888 },
    { pid: 1, home: '/path with spaces, commas (and parens)', port: null },
  ]) {
    const line = formatReadyLine(ready)
    t.same(parseReadyLine(line), ready, line)
  }
  t.equal(formatReadyLine({ pid: 7, home: '/h', port: null }), 'supervisor: ready (pid 7, home /h, port none)')
  for (const line of ['', 'supervisor: ready', 'supervisor: ready (pid x, home /h, port 1)', 'supervisor: ready (pid 7, home /h, port -1)', ' supervisor: ready (pid 7, home /h, port 1)', 'supervisor: ready (pid 7, home /h, port 1) trailing']) {
    t.equal(parseReadyLine(line), null, JSON.stringify(line))
  }
})

t.test('the environment of a background supervisor: the caller’s, its home, no Claude Code session variables', async t => {
  const env: NodeJS.ProcessEnv = { PATH: '/bin', KEEP_ME: 'yes', SESSION_RETRY_HOME: '/old' }
  for (const name of CLAUDE_SESSION_VARIABLES) env[name] = 'from the session'
  const clean = supervisorEnvironment(env, '/new/home')
  t.same(clean, { PATH: '/bin', KEEP_ME: 'yes', SESSION_RETRY_HOME: '/new/home' })
  t.equal(env.CLAUDECODE, 'from the session', 'the caller’s environment is left alone')
  t.ok(CLAUDE_SESSION_VARIABLES.includes('CLAUDE_PLUGIN_ROOT'))
  t.ok(CLAUDE_SESSION_VARIABLES.includes('CLAUDE_CODE_SESSION_ID'))
})

t.test('autostart is on unless switched off', async t => {
  t.equal(autostartDisabled({}), false)
  t.equal(autostartDisabled({ SESSION_RETRY_AUTOSTART: '1' }), false)
  for (const off of ['0', 'false', 'off', 'no', 'FALSE']) t.equal(autostartDisabled({ SESSION_RETRY_AUTOSTART: off }), true, off)
})

t.test('ready: the pid and port of its ready line; it runs detached in the home with a clean environment', async t => {
  const { paths, start, output } = setup(t)
  const outcome = await start('ready')
  if (outcome.kind !== 'ready') throw new Error(`not ready: ${JSON.stringify(outcome)}`)
  t.ok(outcome.pid > 0)
  t.equal(outcome.port, 4321)
  t.equal(outcome.apiError, null)
  process.kill(outcome.pid, 0) // still running after the start returned
  const text = output()
  t.match(text, /^--- 2030-01-02T03:04:05\.000Z supervisor start \(test ready\)\nargv: supervisor run\nnode flags: --max-semi-space-size=4\n/)
  t.match(text, `cwd: ${paths.home}\n`)
  t.match(text, `env: ${JSON.stringify({ CLAUDECODE: null, CLAUDE_PLUGIN_ROOT: null, KEEP_ME: 'yes', SESSION_RETRY_HOME: paths.home })}\n`)
  const last = readLastStart(paths)
  t.same(last?.ready, { pid: outcome.pid, home: paths.home, port: 4321 })
  t.equal(last?.at, '2030-01-02T03:04:05.000Z')
  t.equal(last?.requestedBy, 'test ready')
})

t.test('ready without its HTTP API: the reason is kept', async t => {
  const { start } = setup(t)
  const outcome = await start('noapi')
  t.match(outcome, { kind: 'ready', port: null, apiError: 'listen EADDRINUSE 127.0.0.1:8889' })
})

t.test('exits before it is ready: how, and the end of this start’s output only', async t => {
  const { paths, start } = setup(t)
  mkdirSync(paths.logsDir, { recursive: true })
  writeFileSync(paths.supervisorOutput, '--- earlier supervisor start (someone)\nold line\n')
  const outcome = await start('crash')
  t.match(outcome, { kind: 'exited', how: 'exited with code 3' })
  if (outcome.kind !== 'exited') return
  t.ok(outcome.pid! > 0)
  t.same(outcome.output.slice(-1), ['boom: cannot start'])
  t.notOk(outcome.output.some(line => line.includes('old line') || line.startsWith('---')), 'nothing from before this start')
})

t.test('exits: only the last lines are kept', async t => {
  const { start } = setup(t)
  const outcome = await start('chatty')
  t.match(outcome, { kind: 'exited', how: 'exited with code 1' })
  if (outcome.kind !== 'exited') return
  t.equal(outcome.output.length, OUTPUT_TAIL_LINES)
  t.equal(outcome.output.at(-1), 'line 30')
})

t.test('a ready line naming another pid is not this start being ready', async t => {
  const { start } = setup(t)
  t.match(await start('wrongpid'), { kind: 'exited', how: 'exited with code 0' })
})

t.test('a CLI script that is missing: node exits, and says why', async t => {
  const { dir, start } = setup(t)
  const outcome = await start('ready', { cliMain: join(dir, 'missing.mjs') })
  t.match(outcome, { kind: 'exited', how: 'exited with code 1' })
  if (outcome.kind === 'exited') t.match(outcome.output.join('\n'), /Cannot find module/)
})

t.test('exits because another supervisor serves the home: that one is named', async t => {
  const { paths, start } = setup(t)
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  t.teardown(() => void other.kill('SIGKILL'))
  writeFileSync(paths.pidFile, formatIdentity(identify(other.pid!) ?? { pid: other.pid!, startTime: null }) + '\n')
  t.equal(supervisorAlive(paths), true)
  t.same(await start('crash'), { kind: 'other', pid: other.pid })
})

t.test('not ready by the deadline: slow, and still running', async t => {
  const { paths, start } = setup(t)
  t.equal(supervisorAlive(paths), false)
  const outcome = await start('slow', { deadlineMs: 200 })
  t.equal(outcome.kind, 'slow')
  process.kill(outcome.pid!, 0)
})

t.test('readLastStart: the last marker, or the start whose ready line names a pid', async t => {
  const { paths } = setup(t)
  const read = (text: string, pid: number | null = null) => {
    writeFileSync(paths.supervisorOutput, text)
    return readLastStart(paths, pid)
  }
  mkdirSync(paths.logsDir, { recursive: true })
  t.equal(readLastStart(paths), null, 'no file')
  t.equal(read('no markers here\n'), null)
  const two = [
    '--- 2030-01-01T00:00:00.000Z supervisor start (first)',
    formatReadyLine({ pid: 11, home: '/h', port: 1 }),
    '--- 2030-01-02T00:00:00.000Z supervisor start (second)',
    'session-retry: HTTP API not started: EACCES',
    formatReadyLine({ pid: 22, home: '/h', port: null }),
    'after',
    '',
  ].join('\n')
  t.same(read(two), {
    at: '2030-01-02T00:00:00.000Z',
    requestedBy: 'second',
    ready: { pid: 22, home: '/h', port: null },
    apiError: 'EACCES',
    output: ['session-retry: HTTP API not started: EACCES', formatReadyLine({ pid: 22, home: '/h', port: null }), 'after'],
  })
  t.same(read(two, 11), { at: '2030-01-01T00:00:00.000Z', requestedBy: 'first', ready: { pid: 11, home: '/h', port: 1 }, apiError: null, output: [formatReadyLine({ pid: 11, home: '/h', port: 1 })] })
  t.equal(read(two, 33), null, 'no ready line names that pid')
  // A supervisor a service manager started: a ready line and no marker.
  t.same(read(`${formatReadyLine({ pid: 44, home: '/h', port: 2 })}\n`, 44), { at: null, requestedBy: null, ready: { pid: 44, home: '/h', port: 2 }, apiError: null, output: [formatReadyLine({ pid: 44, home: '/h', port: 2 })] })
})
