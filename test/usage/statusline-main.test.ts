// statuslineMain with a fake io. The entry itself runs as a real process in statusline-process.test.ts.
import t from 'tap'
import { join } from 'node:path'
import { STDIN_TIMEOUT_MS, processStatuslineIo, statuslineMain, type StatuslineIo } from '../../src/usage/statusline-main.js'
import type { InputRead } from '../../src/usage/fd-io.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')

function fakeIo(home: string, read: () => Promise<InputRead>) {
  const calls: string[] = []
  const io: StatuslineIo = {
    readInput: read,
    write: text => void calls.push(`write ${text}`),
    env: { SESSION_RETRY_HOME: home },
    now: () => NOW,
  }
  return { io, calls }
}

const INPUT = JSON.stringify({ rate_limits: { five_hour: { used_percentage: 42, resets_at: NOW / 1000 + 3600 } } })

t.test('constants are pinned', async t => {
  t.equal(STDIN_TIMEOUT_MS, 2_000)
})

t.test('reads, records, writes one line', async t => {
  const home = join(t.testdir({}), 'home')
  const ok = fakeIo(home, async () => ({ text: INPUT, timedOut: false }))
  t.equal(await statuslineMain(ok.io), 0)
  t.same(ok.calls, ['write 5h 42%\n'])

  const hung = fakeIo(home, async () => ({ text: '', timedOut: true }))
  t.equal(await statuslineMain(hung.io), 0)
  t.same(hung.calls, ['write 5h 42%\n'], 'stdin never ended: the stored figure')

  const broken = fakeIo(home, () => Promise.reject(new Error('EIO')))
  t.equal(await statuslineMain(broken.io), 0)
  t.same(broken.calls, ['write session-retry: no usage\n'])
})

t.test('processStatuslineIo uses the process', async t => {
  const io = processStatuslineIo()
  t.equal(io.env, process.env)
  t.type(io.readInput, 'function')
  io.write('') // nothing to write: does not touch tap's output
  t.ok(Math.abs(io.now() - Date.now()) < 1000)
})
