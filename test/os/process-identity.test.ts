// Processes are told apart by pid AND start time, and a zombie is dead: real processes, real /proc.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { formatIdentity, identify, isProcessAlive, isSameProcess, isValidPid, parseIdentity, parseProcStat } from '../../src/os/process-identity.js'
import { waitFor } from '../helpers/wait-for.js'

t.test('pid validation', async t => {
  for (const bad of [-1, 0, 1, 1.5, NaN, Infinity, 2 ** 53, '42', null, undefined, 5_000_000]) t.notOk(isValidPid(bad), String(bad))
  for (const good of [2, 42, 4_194_304]) t.ok(isValidPid(good), String(good))
  t.notOk(isProcessAlive(-1), 'claudePid -1 is never a live owner')
  t.notOk(isProcessAlive(0))
})

t.test('/proc/<pid>/stat, command names with spaces and parentheses', async t => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3))
  fields[0] = 'S'
  fields[19] = '123456'
  t.same(parseProcStat(`77 (a) b) (c) ${fields.join(' ')}`), { state: 'S', startTime: '123456' })
  t.equal(parseProcStat('garbage'), null)
  t.equal(parseProcStat('1 (x) S 1 2'), null, 'too short')
})

t.test('pid file text', async t => {
  t.same(parseIdentity(formatIdentity({ pid: 42, startTime: '99' })), { pid: 42, startTime: '99' })
  t.same(parseIdentity(formatIdentity({ pid: 42, startTime: null })), { pid: 42, startTime: null })
  t.same(parseIdentity('42\n'), { pid: 42, startTime: null }, 'a bare pid (older files)')
  t.equal(parseIdentity('-1 5'), null)
  t.equal(parseIdentity(''), null)
})

t.test('a live process is itself; with another start time it is not', { skip: process.platform !== 'linux' && 'needs /proc' }, async t => {
  const me = identify(process.pid)!
  t.ok(me.startTime, 'start time read from /proc')
  t.ok(isSameProcess(me))
  t.notOk(isSameProcess({ pid: process.pid, startTime: String(Number(me.startTime) + 1) }), 'a reused pid is another process')
  t.ok(isSameProcess({ pid: process.pid, startTime: null }), 'unknown start time: the pid decides')
})

t.test('a zombie is dead', { skip: process.platform !== 'linux' && 'needs /proc' }, async t => {
  // Our own child, between its exit and the moment Node reaps it: the loop below blocks Node's
  // event loop (spawnSync), so the child stays a zombie while we look at it.
  const child = spawn('sh', ['-c', 'exit 0'], { stdio: 'ignore' })
  const pid = child.pid!
  let sawZombie = false
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout
    if (parseProcStat(stat)?.state === 'Z') {
      sawZombie = true
      t.notOk(isProcessAlive(pid), 'kill(pid, 0) succeeds on a zombie, but it is not alive')
      break
    }
  }
  t.ok(sawZombie, 'the child became a zombie while unreaped')
  await waitFor(() => child.exitCode !== null, { what: 'child reaped' })
})
