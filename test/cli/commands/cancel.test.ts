// `session-retry cancel <session-id>`: ask the supervisor to drop a session's pending schedule, as
// one ScheduleCancelled record in the session's journal. What every control request shares
// (prefixes, unknown and hostile ids, notes) is tested in test/cli/request-control.test.ts.
import t from 'tap'
import { cancelCommand } from '../../../src/cli/commands/cancel.js'
import { checkOneRecord } from './control-command-check.js'

t.test('cancel appends one ScheduleCancelled record for the session, exit 0', t => checkOneRecord(t, cancelCommand, 'ScheduleCancelled', 'cancel'))
