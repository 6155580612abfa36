// The io a command gets: captureIo keeps exactly what is written and passes its options through,
// processIo writes to the process's own streams (seen from a child process, so this run's output
// is not touched) and reads its environment, folder and clock.
import t from 'tap'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { captureIo, processIo } from '../../src/cli/cli-io.js'
import { runProcess } from '../helpers/run-process.js'

const loader = pathToFileURL(join(import.meta.dirname, '..', 'helpers', 'ts-loader.mjs')).href
const cliIo = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'cli', 'cli-io.js')).href

t.test('captureIo keeps each stream as written, in order, adding nothing', async t => {
  const cases: [name: string, writes: [stream: 'stdout' | 'stderr', text: string][], out: string, err: string][] = [
    ['nothing written', [], '', ''],
    ['no newline is added', [['stdout', 'a']], 'a', ''],
    ['writes join in order', [['stdout', 'one\n'], ['stdout', 'two'], ['stdout', '\n']], 'one\ntwo\n', ''],
    ['the streams stay apart', [['stderr', 'e1 '], ['stdout', 'o'], ['stderr', 'e2']], 'o', 'e1 e2'],
    ['empty writes change nothing', [['stdout', ''], ['stderr', ''], ['stdout', 'x']], 'x', ''],
    ['text is kept as it is', [['stdout', '  ünïcode ⏺ \u001b[31m\r\n']], '  ünïcode ⏺ \u001b[31m\r\n', ''],
  ]
  for (const [name, writes, out, err] of cases) {
    const io = captureIo()
    for (const [stream, text] of writes) io[stream](text)
    t.equal(io.out, out, `${name}: out`)
    t.equal(io.err, err, `${name}: err`)
  }
})

t.test('captureIo: out and err are read when asked, so they include later writes', async t => {
  const io = captureIo()
  io.stdout('a')
  t.equal(io.out, 'a')
  io.stdout('b')
  io.stderr('c')
  t.equal(io.out, 'ab')
  t.equal(io.err, 'c')
})

t.test('captureIo passes env, cwd, clock and signal through, and defaults each', async t => {
  const env = { HOME: '/home/user' }
  const now = () => 42
  const signal = new AbortController().signal
  const given = captureIo({ env, cwd: '/somewhere', now, signal })
  t.equal(given.env, env, 'the env given, not a copy')
  t.equal(given.cwd, '/somewhere')
  t.equal(given.now, now)
  t.equal(given.now(), 42)
  t.equal(given.signal, signal)

  const defaults = captureIo()
  t.same(defaults.env, {}, 'an empty env, not the process environment')
  t.not(defaults.env, process.env)
  t.equal(defaults.cwd, process.cwd())
  t.equal(defaults.now, Date.now)
  t.equal(defaults.signal, undefined, 'no signal: long-running commands listen for signals themselves')
})

t.test("processIo reads the process's environment, folder and clock", async t => {
  const io = processIo()
  t.equal(io.env, process.env, 'the live environment, not a copy')
  t.equal(io.cwd, process.cwd())
  t.equal(io.now, Date.now)
  t.equal(io.signal, undefined)
})

t.test("processIo writes exactly the text to the process's stdout and stderr", async t => {
  const script = [
    `const { processIo } = await import(${JSON.stringify(cliIo)})`,
    'const io = processIo()',
    "io.stdout('out 1')",
    "io.stderr('err 1\\n')",
    "io.stdout(' out 2\\n')",
    "io.stderr('err 2')",
  ].join('\n')
  const r = await runProcess(process.execPath, ['--import', loader, '--input-type=module', '-e', script], { env: process.env })
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'out 1 out 2\n')
  t.equal(r.stderr, 'err 1\nerr 2')
})
