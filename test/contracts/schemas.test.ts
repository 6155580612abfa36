// The published schemas against the TypeScript records: a fully populated record of each type
// (the compiler insists every field is present) has exactly the schema's properties and is valid;
// versions and enums come from the code; and the validator refuses what the product never writes.
// Real files from a real run are validated in real-run.test.ts.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { JOURNAL_SCHEMA_VERSION, type JournalRecord } from '../../src/journal/event-record.js'
import { STATE_SCHEMA_VERSION, type LastRunView, type SessionStateFile } from '../../src/supervisor/session-store.js'
import {
  CURRENT_SESSION_SCHEMA_VERSION, RESUME_SCHEDULE_SCHEMA_VERSION, type CurrentSessionFile, type ResumeScheduleFile,
} from '../../src/supervisor/summary-files.js'
import { PENDING_STATES, type ScheduleEntry } from '../../src/supervisor/schedule-entry.js'
import { USAGE_SCHEMA_VERSION, type UsageFile } from '../../src/usage/usage-file.js'
import { SESSION_STATES } from '../../state/session-context.js'
import { RESUME_MODES, RUN_OUTCOMES, type RunDetails } from '../../state/session-events.js'
import { repoRoot } from '../helpers/hook-process.js'
import { allSchemas, compileSchemas, describeErrors, keyDrift, SCHEMA_FILES, type JsonSchema, type SchemaName } from './schemas.js'

const AT = '2026-11-25T03:01:15.000Z'
const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'

const details: Required<RunDetails> = {
  turns: 4, costUsd: 0.08, deniedTools: ['Bash'], resultLine: 'Done.', terminalReason: 'completed', startError: null,
}

const journalLine = {
  v: JOURNAL_SCHEMA_VERSION, id: 'e1', ts: AT, event: 'ResumeExited', sessionId: ID, origin: 'supervisor',
  cwd: '/work/app', transcriptPath: '/home/u/.claude/projects/x/a.jsonl', source: 'startup', reason: 'prompt_input_exit',
  error: 'rate_limit', errorDetails: '429', agentId: 'a1', agentType: 'general-purpose', lastAssistantMessage: 'limit',
  message: 'Claude is waiting for your input', notificationType: 'idle_prompt', resetAt: Date.parse(AT) + 3_600_000,
  claudePid: 4242, tmuxPane: '%3', permissionMode: 'acceptEdits', runAttempt: 1, promptLength: 12, truncated: ['message'],
  recovered: 'transcript', attempt: 1, mode: 'spawn', exitCode: 0, limited: false, pid: 4343, marked: true, manual: true, sent: true,
  outcome: 'completed', details, usedPercentage: 42, notBefore: Date.parse(AT) + 60_000,
} satisfies Required<JournalRecord>

const lastRun: Required<LastRunView> = {
  attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: 'acceptEdits', startedAt: AT, exitedAt: AT, exitCode: 0,
  turns: 4, costUsd: 0.08, deniedTools: [], resultLine: 'Done.', startError: null, logFile: '/home/u/.devflow/logs/resume/x.1.log',
}

const limit = { kind: 'five_hour', resetAt: AT, source: 'banner' }

const sessionState = {
  schema: STATE_SCHEMA_VERSION, sessionId: ID, state: 'scheduled', cwd: '/work/app', transcriptPath: '/t.jsonl', limit,
  retryAt: AT, retrySource: 'reset', attempts: 1, open: false, lastActivityAt: AT, lastEventAt: AT, updatedAt: AT,
  reasons: ['five_hour limit resets at 03:01:15Z (banner)'], needsUserReason: null, permissionMode: 'acceptEdits', lastRun,
  history: [{ at: AT, from: 'active', to: 'limited', event: 'limit.detected' }],
  supervisor: { machineVersion: 1, offset: 120, recentIds: ['e1'], snapshot: { status: 'active', value: 'scheduled' } },
} satisfies Required<SessionStateFile>

const currentSession = {
  schema: CURRENT_SESSION_SCHEMA_VERSION, sessionId: ID, updatedAt: AT, state: 'scheduled', cwd: '/work/app',
  transcriptPath: null, limit, retryAt: AT, attempts: 1, lastActivityAt: AT, lastRun, needsUserReason: null,
} satisfies Required<CurrentSessionFile>

const entry: Required<ScheduleEntry> = {
  sessionId: ID, state: 'scheduled', retryAt: AT, reason: 'reset', attempt: 2, cwd: '/work/app', limitKind: 'five_hour', resetAt: AT,
}

const resumeSchedule = {
  schema: RESUME_SCHEDULE_SCHEMA_VERSION, updatedAt: AT, schedules: [entry], cap: { maxResumesPerDay: 20, resumesToday: 1, reached: false },
} satisfies Required<ResumeScheduleFile>

const usage = {
  schema: USAGE_SCHEMA_VERSION, source: 'statusline', updatedAt: AT, fiveHour: { usedPercentage: 42.5, resetsAt: AT },
  sevenDay: { usedPercentage: 10, resetsAt: null }, sessionId: ID,
} satisfies Required<UsageFile>

const FULL: Record<SchemaName, unknown> = { journalLine, sessionState, currentSession, resumeSchedule, usage }

const schemas = allSchemas()
const all = Object.values(schemas)
const validators = compileSchemas()

t.test('every schema is draft 2020-12, has an $id that names its version, and compiles strictly', async t => {
  const versions: Record<SchemaName, [string, number]> = {
    journalLine: ['v', JOURNAL_SCHEMA_VERSION],
    sessionState: ['schema', STATE_SCHEMA_VERSION],
    currentSession: ['schema', CURRENT_SESSION_SCHEMA_VERSION],
    resumeSchedule: ['schema', RESUME_SCHEDULE_SCHEMA_VERSION],
    usage: ['schema', USAGE_SCHEMA_VERSION],
  }
  for (const [name, schema] of Object.entries(schemas) as [SchemaName, JsonSchema][]) {
    const [field, version] = versions[name]
    t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', `${name}: draft 2020-12`)
    t.equal(schema.$id, `urn:smart-session-retry:${SCHEMA_FILES[name].replace('.schema.json', '')}:${version}`, `${name}: $id`)
    t.same(schema.properties?.[field], { const: version, description: "The format's version." }, `${name}: ${field} is the code's version`)
    t.ok(schema.required?.includes(field), `${name}: ${field} is required`)
    t.type(validators[name], 'function')
  }
})

t.test('the versions are pinned: changing one is a reviewed change of the schema too', async t => {
  t.same(
    [JOURNAL_SCHEMA_VERSION, STATE_SCHEMA_VERSION, CURRENT_SESSION_SCHEMA_VERSION, RESUME_SCHEDULE_SCHEMA_VERSION, USAGE_SCHEMA_VERSION],
    [1, 1, 1, 1, 1],
  )
})

t.test('no drift: a fully populated record has exactly the schema properties, at every level', async t => {
  for (const [name, record] of Object.entries(FULL) as [SchemaName, unknown][]) {
    t.same(keyDrift(record, schemas[name], all), [], `${name}: the TypeScript record and the schema have the same fields`)
  }
})

t.test('the drift check fails on a field the schema lacks, or one the record lacks', async t => {
  t.same(keyDrift({ ...journalLine, newField: 1 }, schemas.journalLine, all), ['+newField'])
  t.same(keyDrift({ ...sessionState, lastRun: { ...lastRun, newField: 1 } }, schemas.sessionState, all), ['+lastRun.newField'])
  t.same(keyDrift({ ...resumeSchedule, schedules: [{ ...entry, extra: true }] }, schemas.resumeSchedule, all), ['+schedules[].extra'])
  t.same(keyDrift({ ...currentSession, lastRun: { ...lastRun, extra: 1 } }, schemas.currentSession, all), ['+lastRun.extra'], 'through a $ref to another schema')
  const { permissionMode: _dropped, ...withoutOne } = sessionState
  t.same(keyDrift(withoutOne, schemas.sessionState, all), ['-permissionMode'])
})

t.test('every fully populated record is valid', async t => {
  for (const [name, record] of Object.entries(FULL) as [SchemaName, unknown][]) {
    const validate = validators[name]
    t.ok(validate(record), `${name}: ${describeErrors(validate)}`)
  }
  t.ok(validators.currentSession({ schema: 1, sessionId: null, updatedAt: AT }), 'current_session.json before any session')
  t.ok(validators.resumeSchedule({ schema: 1, updatedAt: AT, schedules: [] }), 'no schedules, no cap')
  t.ok(validators.usage({ ...usage, fiveHour: null, sessionId: undefined }), 'a window may be null; the session id may be absent')
})

t.test('the enums are the code’s lists', async t => {
  const states = schemas.sessionState.$defs!.state!.enum
  t.same(states, [...SESSION_STATES], 'state: the machine’s states')
  const entryState = schemas.resumeSchedule.$defs!.scheduleEntry!.properties!.state!.enum
  t.same(entryState, [...PENDING_STATES], 'a schedule’s state: the pending states')
  t.same(schemas.sessionState.$defs!.lastRun!.properties!.mode!.enum, [...RESUME_MODES])
  t.same(schemas.journalLine.properties!.outcome!.enum, [...RUN_OUTCOMES])
})

t.test('what the product never writes is refused', async t => {
  const refused: [SchemaName, unknown, RegExp][] = [
    ['journalLine', { ...journalLine, v: 2 }, /\/v must be equal to constant/],
    ['journalLine', { ...journalLine, sessionId: '../etc/passwd' }, /\/sessionId must match pattern/],
    ['journalLine', { ...journalLine, sessionId: 'Current_Session' }, /\/sessionId must NOT be valid/],
    ['journalLine', { ...journalLine, ts: 'yesterday' }, /\/ts must match format "date-time"/],
    ['journalLine', { ...journalLine, prompt: 'the user’s words' }, /must NOT have additional properties.*"prompt"/],
    ['sessionState', { ...sessionState, state: 'sleeping' }, /\/state must be equal to one of the allowed values/],
    ['sessionState', { ...sessionState, attempts: -1 }, /\/attempts must be >= 0/],
    ['currentSession', { schema: 1, sessionId: ID, updatedAt: AT }, /must have required property 'state'/],
    ['currentSession', { schema: 1, sessionId: null, updatedAt: AT, state: 'active' }, /must NOT have more than 3 properties/],
    ['resumeSchedule', { ...resumeSchedule, schedules: [{ ...entry, state: 'active' }] }, /\/schedules\/0\/state must be equal to one of the allowed values/],
    ['resumeSchedule', { ...resumeSchedule, schedules: [{ ...entry, attempt: 0 }] }, /\/schedules\/0\/attempt must be >= 1/],
    ['usage', { ...usage, schema: undefined }, /must have required property 'schema'/],
    ['usage', { ...usage, fiveHour: { usedPercentage: 42 } }, /\/fiveHour must have required property 'resetsAt'/],
  ]
  for (const [name, document, error] of refused) {
    const validate = validators[name]
    t.notOk(validate(document), `${name} refuses ${JSON.stringify(document).slice(0, 60)}`)
    t.match(describeErrors(validate), error)
  }
})

t.test('the schemas ship with the package', async t => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  t.ok(pkg.files.includes('schemas/'), 'package.json "files" has schemas/')
  t.notOk('ajv' in (pkg.dependencies ?? {}), 'ajv is for tests only')
})
