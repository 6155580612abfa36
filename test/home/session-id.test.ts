// Session ids become file names only after this check: table-driven.
import t from 'tap'
import { describeBadSessionId, isValidSessionId } from '../../src/home/session-id.js'

const cases: [string, unknown, boolean, RegExp | null][] = [
  ['a Claude Code UUID', '3f2a9c1e-0000-4000-8000-000000000001', true, null],
  ['another agent\'s id', 'agent_42-x', true, null],
  ['128 characters', 'a'.repeat(128), true, null],
  ['129 characters', 'a'.repeat(129), false, /is 129 characters long \(at most 128\)/],
  ['missing', undefined, false, /^session_id is missing$/],
  ['null', null, false, /^session_id is missing$/],
  ['a number', 42, false, /is a number, not a string/],
  ['empty', '', false, /is empty/],
  ['a path', '../etc/passwd', false, /may hold only letters, digits/],
  ['a leading dash (an option)', '-rf', false, /may hold only letters, digits/],
  ['a dot', 'a.json', false, /may hold only letters, digits/],
  ['NUL', 'a\u0000b', false, /may hold only letters, digits/],
  ['the current-session summary', 'current_session', false, /is reserved/],
  ['the schedule summary, other case', 'Resume_Schedule', false, /is reserved/],
]

for (const [what, value, valid, why] of cases) {
  t.test(what, async t => {
    t.equal(isValidSessionId(value), valid)
    if (why) t.match(describeBadSessionId(value), why)
  })
}
