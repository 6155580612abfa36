// `--json` output: one pretty object on stdout, the shape version first, nothing on stderr.
import t from 'tap'
import { captureIo } from '../../src/cli/cli-io.js'
import { JSON_OUTPUT_VERSION, printJson } from '../../src/cli/json-output.js'

t.test('the shape version is pinned: changing it is a reviewed diff', async t => {
  t.equal(JSON_OUTPUT_VERSION, 1)
})

const cases: [string, object, string][] = [
  ['an empty object', {}, '{\n  "version": 1\n}\n'],
  ['fields after the version, in order', { ok: true, checks: [] }, '{\n  "version": 1,\n  "ok": true,\n  "checks": []\n}\n'],
  ['nested values, two-space indent', { s: { id: 'a', at: null } }, '{\n  "version": 1,\n  "s": {\n    "id": "a",\n    "at": null\n  }\n}\n'],
  ['undefined fields are left out', { a: undefined, b: 'é — ✓' }, '{\n  "version": 1,\n  "b": "é — ✓"\n}\n'],
]

t.test('exactly what is printed', async t => {
  for (const [name, value, printed] of cases) {
    const io = captureIo()
    printJson(io, value)
    t.equal(io.out, printed, name)
    t.equal(io.err, '', `${name}: nothing on stderr`)
  }
})

t.test('a value with its own version field does not replace the shape version (the value\'s is left out)', async t => {
  const io = captureIo()
  printJson(io, { version: '0.1.0', ok: true })
  t.equal(io.out, '{\n  "version": 1,\n  "ok": true\n}\n', 'the shape version, still first')
})
