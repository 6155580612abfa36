import t from 'tap'
import { execFileSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { EAGAIN_RETRY_MS, readFdInput, writeFdSync } from '../../src/usage/fd-io.js'

const LIMITS = { maxBytes: 1024, timeoutMs: 2_000 }

t.test('constants are pinned', async t => {
  t.equal(EAGAIN_RETRY_MS, 5)
})

t.test('readFdInput: a file, too much, a terminal or /dev/null, a bad fd, a folder', async t => {
  const dir = t.testdir({ 'in.json': '{"a":"é"}', 'big.txt': 'x'.repeat(2000), folder: {} })
  const fd = openSync(join(dir, 'in.json'), 'r')
  t.teardown(() => closeSync(fd))
  t.same(await readFdInput(fd, LIMITS), { text: '{"a":"é"}', timedOut: false })

  const big = openSync(join(dir, 'big.txt'), 'r')
  t.teardown(() => closeSync(big))
  t.same(await readFdInput(big, LIMITS), { text: '', timedOut: false }, 'over maxBytes: nothing')

  const devNull = openSync('/dev/null', 'r')
  t.teardown(() => closeSync(devNull))
  t.same(await readFdInput(devNull, LIMITS), { text: '', timedOut: false }, 'a character device is not read')

  t.same(await readFdInput(987654, LIMITS), { text: '', timedOut: false }, 'EBADF')

  const folder = openSync(join(dir, 'folder'), 'r')
  t.teardown(() => closeSync(folder))
  t.same(await readFdInput(folder, LIMITS), { text: '', timedOut: false }, 'EISDIR ends the read')
})

t.test('readFdInput: input that never ends gives up after the timeout', async t => {
  const fifo = join(t.testdir({}), 'fifo')
  execFileSync('mkfifo', [fifo])
  const fd = openSync(fifo, 'r+') // Linux: opening a FIFO read-write does not wait for a writer
  writeSync(fd, 'partial')
  const started = Date.now()
  t.same(await readFdInput(fd, { maxBytes: 1024, timeoutMs: 100 }), { text: 'partial', timedOut: true })
  t.ok(Date.now() - started < 1500)
  writeSync(fd, 'x') // releases the read still pending on the thread pool; its answer is ignored
  await new Promise(resolve => setTimeout(resolve, 20))
  closeSync(fd)
})

t.test('writeFdSync', async t => {
  const path = join(t.testdir({}), 'out.txt')
  const fd = openSync(path, 'w')
  t.equal(writeFdSync(fd, '5h 42% · 7d 10%\n'), true)
  t.equal(writeFdSync(fd, ''), true)
  closeSync(fd)
  t.equal(readFileSync(path, 'utf8'), '5h 42% · 7d 10%\n')
  t.equal(writeFdSync(987654, 'x'), false, 'EBADF: given up, not thrown')
})
