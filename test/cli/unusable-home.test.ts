// An unusable home (`/proc/nope`: Node 20's recursive mkdir spins forever on it) is a clear error
// naming SESSION_RETRY_HOME, from every entry point, instead of a process stuck at 100 % CPU.
import t from 'tap'
import { spawn } from 'node:child_process'
import { cliMain } from '../helpers/supervisor-process.js'
import { stage2Bundle } from '../helpers/hook-process.js'

/** Runs a process; one still running after `killAfterMs` is killed (and the test fails on its exit). */
function run(args: string[], env: NodeJS.ProcessEnv, killAfterMs = 30_000): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', d => (output += d))
    child.stderr.on('data', d => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output })
    })
  })
}

const env = { PATH: process.env.PATH, HOME: process.env.HOME, SESSION_RETRY_HOME: '/proc/nope', SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_BIN: 'true' }
const message = /cannot create the home folder \/proc\/nope \(ENOENT\); set SESSION_RETRY_HOME to a folder you can write/

for (const command of [['supervisor', 'start'], ['supervisor', 'run'], ['doctor']]) {
  t.test(`session-retry ${command.join(' ')} with an unusable home`, async t => {
    const result = await run([cliMain, ...command], env)
    t.equal(result.signal, null, 'ended by itself')
    t.equal(result.code, 1)
    t.match(result.output, message)
  })
}

t.test('hook stage 2 with an unusable home ends at once, exit 0', async t => {
  const result = await run([stage2Bundle, '--home', '/proc/nope', '--complete', 'x'], env)
  t.equal(result.signal, null)
  t.equal(result.code, 0)
})

