import t from 'tap'
import { classifyRun, firstLine, parseRunResult, type RunEvidence } from '../../src/supervisor/run-outcome.js'

// Result objects as Claude Code 2.1.331 printed them with --output-format json (trimmed).
const completed = '{"type":"result","subtype":"success","is_error":false,"terminal_reason":"completed","num_turns":2,"permission_denials":[],"total_cost_usd":0.0003,"result":"Done: wrote notes.txt\\nmore"}'
const blocked = '{"type":"result","subtype":"success","is_error":false,"terminal_reason":"completed","num_turns":2,"permission_denials":[{"tool_name":"Write","tool_use_id":"t1","tool_input":{"file_path":"/p/x","content":"secret"}},{"tool_name":"Write","tool_use_id":"t2","tool_input":{}},{"tool_name":"Bash","tool_use_id":"t3","tool_input":{}}],"total_cost_usd":0.0003,"result":"I could not write"}'
const limited = '{"type":"result","subtype":"success","is_error":true,"terminal_reason":"api_error","num_turns":1,"permission_denials":[],"total_cost_usd":0,"api_error_status":429,"api_error":"usage_limit_reached","result":"You\'ve hit your 5-hour limit · resets 9:04am (UTC)"}'
const errored = '{"type":"result","subtype":"error_during_execution","is_error":true,"terminal_reason":"error","num_turns":1,"permission_denials":[],"result":"boom"}'

const evidence = (fields: Partial<RunEvidence>): RunEvidence => ({ exitCode: 0, result: null, limitedInTranscript: false, limitedByText: false, notStarted: false, ...fields })

t.test('the last result object in a log, whatever else the log holds', async t => {
  t.equal(parseRunResult(''), null)
  t.equal(parseRunResult('plain text answer\n'), null)
  t.equal(parseRunResult('{"type":"result", broken'), null)
  t.equal(parseRunResult('{"type":"assistant","result":"x"}'), null, 'only type "result"')
  const r = parseRunResult(`warning on stderr\n${errored}\n${completed}\n`)!
  t.match(r, { isError: false, turns: 2, costUsd: 0.0003, deniedTools: [], terminalReason: 'completed' })
  t.same(parseRunResult(blocked)!.deniedTools, ['Write', 'Bash'], 'tool names only, once each; never their inputs')
  t.notMatch(JSON.stringify(parseRunResult(blocked)), /secret/)
})

const rows: [string, RunEvidence, string, Record<string, unknown>][] = [
  ['a clean run', evidence({ result: parseRunResult(completed) }), 'completed', { turns: 2, resultLine: 'Done: wrote notes.txt', startError: null }],
  ['refused tools, exit 0', evidence({ result: parseRunResult(blocked) }), 'blocked', { deniedTools: ['Write', 'Bash'] }],
  ['limited again (result object)', evidence({ exitCode: 1, result: parseRunResult(limited) }), 'limited', { turns: 1 }],
  ['an error result', evidence({ exitCode: 1, result: parseRunResult(errored) }), 'failed', { resultLine: 'boom' }],
  ['a result, non-zero exit', evidence({ exitCode: 2, result: parseRunResult(completed) }), 'failed', {}],
  ['result known, exit unknown (ended while the supervisor was down)', evidence({ exitCode: null, result: parseRunResult(completed) }), 'completed', {}],
  ['old CLI: exit 0', evidence({}), 'completed', { turns: null }],
  ['old CLI: exit 1', evidence({ exitCode: 1 }), 'failed', {}],
  ['old CLI: transcript ends on a limit', evidence({ exitCode: 1, limitedInTranscript: true }), 'limited', {}],
  ['claude not found', evidence({ exitCode: 127 }), 'failed', { startError: 'command not found' }],
  ['claude not executable', evidence({ exitCode: 126 }), 'failed', { startError: 'command not executable' }],
  ['never passed its gate', evidence({ exitCode: 97, notStarted: true }), 'not-started', {}],
  ['gone without a trace', evidence({ exitCode: null }), 'failed', {}],
]

for (const [name, input, outcome, details] of rows) {
  t.test(name, async t => {
    const verdict = classifyRun(input)
    t.equal(verdict.outcome, outcome)
    t.match(verdict.details, details)
  })
}

t.test('first line of a result', async t => {
  t.equal(firstLine(null), null)
  t.equal(firstLine('\n\n  '), null)
  t.equal(firstLine('\n  hello  \nworld'), 'hello')
  const long = firstLine('x'.repeat(500))!
  t.equal(long.length, 200)
  t.ok(long.endsWith('…'))
})
