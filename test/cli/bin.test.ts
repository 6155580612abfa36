// The built bin as a real process (dist/, as npm installs it): imported cold, exit codes,
// run through a symlink, and supervisor start/stop with the real supervisor.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isProcessAlive } from '../../src/os/process-identity.js'
import { repoRoot } from '../helpers/hook-process.js'
import { processDir } from '../helpers/process-dir.js'

const bin = join(repoRoot, 'dist', 'src', 'cli', 'main.js')
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }

const SUPERVISOR_ENV = {
  SESSION_RETRY_PORT: '0',
  SESSION_RETRY_CLAUDE_INTEGRATION: 'false',
  SESSION_RETRY_AUTOSTART: 'false',
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function node(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

if (!existsSync(bin)) {
  t.fail(`${bin} is missing: build first (npm run build, or npx tsc -p tsconfig.json)`)
} else {
  t.test('imported cold, the bin runs nothing', async t => {
    const r = await node(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(bin).href)}); console.log('imported')`])
    t.same(r, { code: 0, stdout: 'imported\n', stderr: '' })
  })

  t.test('starts with a shebang, for npm to link it as a command', async t => {
    t.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/)
  })

  t.test('exit codes and streams', async t => {
    const home = processDir(t)
    const env = { SESSION_RETRY_HOME: home }
    const help = await node([bin, '--help'], env)
    t.equal(help.code, 0)
    t.match(help.stdout, /^Usage: session-retry /)
    t.equal(help.stderr, '')
    t.same(await node([bin, '--version'], env), { code: 0, stdout: `${pkg.version}\n`, stderr: '' })
    const status = await node([bin], env)
    t.same(status, {
      code: 0,
      stdout: `no sessions yet in ${home}\nsupervisor: not running — start it with: session-retry supervisor start\n`,
      stderr: '',
    })
    const json = await node([bin, 'status', '--json'], env)
    t.equal(json.code, 0)
    t.match(JSON.parse(json.stdout), { version: 1, sessions: [], supervisor: { running: false } })
    for (const [args, code, message] of [
      [['stauts'], 2, /unknown command 'stauts'/],
      [['resume', '../x'], 2, /is not a session id/],
      [['resume', 'deadbeef'], 1, /no such session deadbeef/],
      [['logs'], 1, /no log yet/],
      [['parse-limit'], 2, /give the limit text/],
    ] as const) {
      const r = await node([bin, ...args], env)
      t.equal(r.code, code, args.join(' '))
      t.equal(r.stdout, '')
      t.match(r.stderr, /^session-retry: [^\n]+\n$/, 'one line')
      t.match(r.stderr, message)
    }
    const bad = await node([bin, 'status'], { ...env, SESSION_RETRY_LOG_LEVEL: 'loud' })
    t.equal(bad.code, 2)
    t.match(bad.stderr, /^session-retry: SESSION_RETRY_LOG_LEVEL="loud" must be debug, info, warn or error\n$/)
  })

  t.test('run through a symlink, as node_modules/.bin links it', async t => {
    const dir = processDir(t)
    const link = join(dir, 'session-retry')
    symlinkSync(bin, link)
    const r = await node([link, '--version'])
    t.same(r, { code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })

  t.test('the package bin (bin/session-retry.cjs) loads this CLI', async t => {
    const packageBin = join(repoRoot, 'bin', 'session-retry.cjs')
    const home = processDir(t)
    t.same(await node([packageBin, '--version'], { SESSION_RETRY_HOME: home }), { code: 0, stdout: `${pkg.version}\n`, stderr: '' })
    const usage = await node([packageBin, 'resume'], { SESSION_RETRY_HOME: home })
    t.equal(usage.code, 2)
    t.match(usage.stderr, /^session-retry: missing required argument 'session-id'[^\n]*\n$/)
  })

  t.test('supervisor start twice, status, stop: the real supervisor', async t => {
    const home = processDir(t)
    const env = { ...SUPERVISOR_ENV, SESSION_RETRY_HOME: home }
    t.teardown(() => node([bin, 'supervisor', 'stop'], env))

    const first = await node([bin, 'supervisor', 'start'], env)
    t.equal(first.code, 0, first.stderr)
    const pid = Number(/^supervisor started \(pid (\d+), HTTP on http:\/\/127\.0\.0\.1:\d+\)\n$/.exec(first.stdout)?.[1])
    t.ok(pid > 0, first.stdout)
    t.equal(readFileSync(join(home, 'supervisor.pid'), 'utf8').split(' ')[0], String(pid), 'the pid file names it (with its start time)')

    const second = await node([bin, 'supervisor', 'start'], env)
    t.same(second, { code: 1, stdout: '', stderr: `session-retry: supervisor already running (pid ${pid})\n` })

    const status = await node([bin, 'status'], env)
    t.equal(status.code, 0)
    t.match(status.stdout, new RegExp(`supervisor: running \\(pid ${pid}\\)\\n$`))

    const stop = await node([bin, 'supervisor', 'stop'], env)
    t.same(stop, { code: 0, stdout: `supervisor stopped (pid ${pid})\n`, stderr: '' })
    t.notOk(existsSync(join(home, 'supervisor.pid')), 'no pid file left')
    // Gone, or a zombie until the container's init reaps it.
    t.notOk(isProcessAlive(pid), 'the process is gone')

    const again = await node([bin, 'supervisor', 'stop'], env)
    t.same(again, { code: 0, stdout: 'supervisor: not running\n', stderr: '' })
    t.match(readFileSync(join(home, 'logs', 'supervisor.out'), 'utf8'), /supervisor: ready \(pid \d+/)
  })
}
