// A usage mistake is an Error of its own name, so the CLI can tell it from a failure (exit 2, not 1).
import t from 'tap'
import { UsageError } from '../../src/cli/usage-error.js'

t.test('name, message and how it prints', async t => {
  const cases: [string, string][] = [
    ['--tz must be an IANA time zone, like Europe/Berlin (got "Mars")', 'UsageError: --tz must be an IANA time zone, like Europe/Berlin (got "Mars")'],
    ['', 'UsageError'],
  ]
  for (const [message, printed] of cases) {
    const error = new UsageError(message)
    t.equal(error.name, 'UsageError', printed)
    t.equal(error.message, message)
    t.equal(String(error), printed)
    t.match(error.stack, /^UsageError/, 'the stack names it too')
  }
})

t.test('an Error and a UsageError; other errors are not', async t => {
  const errors: [unknown, boolean][] = [
    [new UsageError('x'), true],
    [new Error('x'), false],
    [new TypeError('x'), false],
    [Object.assign(new Error('x'), { name: 'UsageError' }), false],
  ]
  for (const [error, usage] of errors) {
    t.ok(error instanceof Error)
    t.equal(error instanceof UsageError, usage, String(error))
  }
})
