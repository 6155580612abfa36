// Stopping a long-running command: the caller's AbortSignal when it gave one, else SIGINT/SIGTERM
// while the command runs (a second one during the shutdown ends the process), and a sleep the
// stop cuts short. The signals are tested in a child process, sent by the test.
import t from 'tap'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { captureIo } from '../../src/cli/cli-io.js'
import { sleep, stopRequest } from '../../src/cli/interrupt.js'

const interrupt = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'cli', 'interrupt.ts')).href
type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const loader = join(import.meta.dirname, '..', 'helpers', 'ts-loader.mjs')

t.test("the caller's signal: no process signal is listened to", async t => {
  const before = ['SIGINT', 'SIGTERM'].map(s => process.listenerCount(s))
  const outer = new AbortController()
  const stop = stopRequest(captureIo({ signal: outer.signal }))
  t.same(['SIGINT', 'SIGTERM'].map(s => process.listenerCount(s)), before)
  t.notOk(stop.signal.aborted)
  outer.abort()
  await stop.requested
  t.ok(stop.signal.aborted, 'aborted with the outer signal')
  stop.dispose()
})

t.test('an outer signal aborted already: stopped from the start', async t => {
  const outer = new AbortController()
  outer.abort()
  const stop = stopRequest(captureIo({ signal: outer.signal }))
  t.ok(stop.signal.aborted)
  await stop.requested
  stop.dispose()
})

t.test('disposed before the outer signal aborts: the stop is not requested', async t => {
  const outer = new AbortController()
  const stop = stopRequest(captureIo({ signal: outer.signal }))
  stop.dispose()
  outer.abort()
  t.notOk(stop.signal.aborted)
})

t.test('without a signal: SIGINT and SIGTERM are listened to until dispose, and never once only', async t => {
  const before = ['SIGINT', 'SIGTERM'].map(s => process.listenerCount(s))
  const stop = stopRequest(captureIo())
  t.same(['SIGINT', 'SIGTERM'].map(s => process.listenerCount(s)), before.map(n => n + 1))
  stop.dispose()
  t.same(['SIGINT', 'SIGTERM'].map(s => process.listenerCount(s)), before)
})

/** A child that waits for the stop, says so, then takes `shutdownMs` to shut down. */
function child(t: Test) {
  const script = join(t.testdir(), 'child.ts')
  writeFileSync(
    script,
    `import { stopRequest } from ${JSON.stringify(interrupt)}
const stop = stopRequest({ stdout() {}, stderr() {}, env: {}, cwd: '/', now: Date.now })
setInterval(() => {}, 3_600_000) // the command's own work, which keeps the process running
console.log('listening')
await stop.requested
console.log('stopping')
setTimeout(() => { stop.dispose(); console.log('stopped') }, 60_000)
`,
  )
  const proc = spawn(process.execPath, ['--import', pathToFileURL(loader).href, script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } })
  let out = ''
  proc.stdout.on('data', d => (out += d))
  t.teardown(() => void proc.kill('SIGKILL'))
  const exited = new Promise<number | null>(resolve => proc.on('exit', code => resolve(code)))
  const said = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(line + '\n') ? resolve() : proc.stdout.once('data', check))
      check()
      proc.once('exit', code => reject(new Error(`the child exited (${code}) before saying ${line}: ${out}`)))
    })
  return { proc, said, exited, output: () => out }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${signal} requests the stop; a second ${signal} during the shutdown ends the process with 130`, async t => {
    const c = child(t)
    await c.said('listening')
    c.proc.kill(signal)
    await c.said('stopping')
    t.equal(c.proc.exitCode, null, 'the first signal does not end the process')
    c.proc.kill(signal)
    t.equal(await c.exited, 130)
    t.notMatch(c.output(), /stopped/)
  })
}

t.test('sleep: the time given, or until the stop', async t => {
  const started = Date.now()
  await sleep(20)
  t.ok(Date.now() - started >= 19, 'waited the time given')
  const aborted = new AbortController()
  aborted.abort()
  await sleep(3_600_000, aborted.signal)
  t.pass('an aborted signal: no wait')
  const later = new AbortController()
  const sleeping = sleep(3_600_000, later.signal)
  later.abort()
  await sleeping
  t.pass('an abort during the sleep ends it')
  const kept = new AbortController()
  await sleep(1, kept.signal)
  kept.abort()
  t.pass('a sleep that ended leaves no listener behind to fire')
})
