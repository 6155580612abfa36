// The real /bin/sh gate: a run starts only on a whole line, with its args as data; end-of-file exits 97 unstarted.
import t from 'tap'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { NOT_STARTED_EXIT, NOT_STARTED_MARK } from '../../src/supervisor/run-outcome.js'
import { runEnvironment, spawnGated } from '../../src/supervisor/run-gate.js'
import { processDir } from '../helpers/process-dir.js'

// The stand-in for claude: says what it was given, and leaves a file to prove it ran.
const PROGRAM = `const fs = require('node:fs')
fs.writeFileSync('ran', '')
console.log(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), pid: process.pid, run: process.env.SESSION_RETRY_RUN, stdin: fs.readFileSync(0, 'utf8') }))`
const HOSTILE = ['$(touch pwned)', '`touch pwned`', '; touch pwned', "it's", 'two words', '', '*', 'line\nbreak', '"$@"']

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
}

function gate(t: Parameters<typeof processDir>[0]) {
  const dir = processDir(t, { work: {} })
  const cwd = join(dir, 'work')
  const logFd = openSync(join(dir, 'run.log'), 'a')
  t.teardown(() => closeSync(logFd))
  const env = runEnvironment({ PATH: process.env.PATH }, join(dir, 'home'), 3)
  const run = spawnGated({ bin: process.execPath, args: ['-e', PROGRAM, ...HOSTILE], cwd, env, logFd })
  t.teardown(() => void (run.child.exitCode === null && run.child.signalCode === null && run.child.kill('SIGKILL')))
  return { run, cwd, log: () => readFileSync(join(dir, 'run.log'), 'utf8') }
}

const inputs: [string, string, boolean][] = [
  // [what the supervisor writes to the gate, its name, whether the program runs]
  ['go\n', 'release: go and a newline', true],
  ['anything\n', 'any whole line', true],
  ['', 'end-of-file (the supervisor stopped before it said go)', false],
  ['go', 'a line cut short by end-of-file', false],
]

for (const [input, name, runs] of inputs) {
  t.test(name, async t => {
    const { run, cwd, log } = gate(t)
    const exit = exited(run.child)
    if (input === 'go\n') run.release()
    else run.child.stdin?.end(input)
    const { code } = await exit
    t.equal(existsSync(join(cwd, 'ran')), runs, runs ? 'the program ran' : 'the program never ran')
    t.equal(existsSync(join(cwd, 'pwned')), false, 'no argument was run as shell text')
    if (runs) {
      t.equal(code, 0)
      t.same(JSON.parse(log()), { argv: HOSTILE, cwd, pid: run.child.pid, run: '3', stdin: '' }, 'args as data, in its folder, same pid (exec), stdin empty')
    } else {
      t.equal(code, NOT_STARTED_EXIT)
      t.equal(log(), `${NOT_STARTED_MARK}: the supervisor stopped before it could record the run\n`)
    }
  })
}

t.test('the gate is its own process group, and a release after it was killed does not throw', async t => {
  const { run } = gate(t)
  const stat = readFileSync(`/proc/${run.child.pid}/stat`, 'utf8')
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  t.equal(pgrp, run.child.pid, 'a Ctrl-C on the supervisor does not reach it')
  const exit = exited(run.child)
  run.child.kill('SIGKILL')
  t.same(await exit, { code: null, signal: 'SIGKILL' })
  t.doesNotThrow(() => run.release())
})

t.test('runEnvironment: loader injection dropped, the home and the run marker set', async t => {
  const base = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LD_PRELOAD: '/tmp/evil.so',
    LD_LIBRARY_PATH: '/tmp',
    LD_AUDIT: '/tmp/a.so',
    DYLD_INSERT_LIBRARIES: '/tmp/evil.dylib',
    NODE_OPTIONS: '--require /tmp/evil.js',
    BASH_ENV: '/tmp/evil.sh',
    ENV: '/tmp/evil.sh',
    LD_PRELOAD_NOTE: 'kept: not the loader variable',
    MY_NODE_OPTIONS: 'kept',
    SESSION_RETRY_HOME: '/old',
    SESSION_RETRY_RUN: '1',
  }
  t.same(runEnvironment(base, '/home/u/.session-retry', 2), {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LD_PRELOAD_NOTE: 'kept: not the loader variable',
    MY_NODE_OPTIONS: 'kept',
    SESSION_RETRY_HOME: '/home/u/.session-retry',
    SESSION_RETRY_RUN: '2',
  })
  t.equal(base.LD_PRELOAD, '/tmp/evil.so', 'the supervisor’s own environment is left alone')
})
