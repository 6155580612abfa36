import t from 'tap'
import { StateWriter, WRITE_CONCURRENCY, WRITE_DELAY_MS } from '../../src/supervisor/state-writer.js'

t.test('pinned: 20 ms to gather changes, 16 writes at most in flight', async t => {
  t.equal(WRITE_DELAY_MS, 20)
  t.equal(WRITE_CONCURRENCY, 16)
})

t.test('changes to one session within the delay become one write', async t => {
  const writes: string[] = []
  const writer = new StateWriter(async id => void writes.push(id))
  for (let i = 0; i < 5; i++) writer.mark('a')
  writer.mark('b')
  t.same(writes, [], 'nothing written at once')
  await new Promise(resolve => setTimeout(resolve, WRITE_DELAY_MS * 3))
  t.same(writes.sort(), ['a', 'b'])
})

t.test('flush writes at once, never more than WRITE_CONCURRENCY at a time, and waits for all', async t => {
  let inFlight = 0
  let most = 0
  const done: string[] = []
  const writer = new StateWriter(async id => {
    most = Math.max(most, ++inFlight)
    await new Promise(resolve => setTimeout(resolve, 2))
    inFlight--
    done.push(id)
  })
  const ids = Array.from({ length: 100 }, (_, i) => `s${i}`)
  for (const id of ids) writer.mark(id)
  await writer.flush()
  t.equal(done.length, 100, 'all written when flush resolves')
  t.equal(most, WRITE_CONCURRENCY)
  await writer.flush()
  t.equal(done.length, 100, 'an empty flush writes nothing')
})

t.test('a session marked again while its write runs is written again; unmark skips a pending write', async t => {
  const writes: string[] = []
  let writer: StateWriter
  writer = new StateWriter(async id => {
    writes.push(id)
    if (writes.length === 1) writer.mark(id)
  })
  writer.mark('a')
  writer.mark('b')
  t.ok(writer.isMarked('b'))
  writer.unmark('b')
  t.notOk(writer.isMarked('b'))
  await writer.flush()
  t.same(writes, ['a', 'a'])
})
