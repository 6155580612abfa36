// One real run (see real-home.ts) and the contracts it must keep: the CLI, the HTTP API and
// resume_schedule.json list the same schedules with the same fields, and every file it wrote
// validates against its published schema.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { processDir } from '../helpers/process-dir.js'
import { readState } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { IDS, makeRealHome, type RealHome } from './real-home.js'
import { compileSchemas, describeErrors, type SchemaName } from './schemas.js'

t.setTimeout(300_000)

const validators = compileSchemas()

let real: RealHome
t.before(async () => {
  // processDir's removal is registered first, so it runs after the supervisor's kill.
  real = await makeRealHome(t, processDir(t, { project: {}, claude: { projects: {} } }))
})

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'))
}

t.test('the CLI, GET /schedules and resume_schedule.json list the same schedules', async t => {
  const fromApi = async () => ((await (await fetch(`http://127.0.0.1:${real.port}/schedules`)).json()) as { schedules: unknown[] }).schedules
  const fromFile = () => (readJson(real.paths.resumeSchedule) as { schedules: unknown[] }).schedules
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  // Read while nothing changes: the API gives the same answer before and after, and the file,
  // which follows the state files by up to 250 ms (coalesced writes), has caught up.
  let api: unknown[] = []
  let cli: { schedules: unknown[]; problems: unknown[] } = { schedules: [], problems: [] }
  for (let tries = 0; tries < 10; tries++) {
    api = await fromApi()
    await waitFor(() => same(fromFile(), api), { timeoutMs: 20_000, what: 'resume_schedule.json caught up with the API' }).catch(() => {})
    cli = JSON.parse(await real.cli(['schedules', '--json']))
    if (same(await fromApi(), api)) break
  }
  t.same(cli.schedules, api, 'session-retry schedules --json = GET /schedules')
  t.same(cli.problems, [], 'the summary files beside the state files are not taken for sessions')
  t.same(fromFile(), api, 'resume_schedule.json = GET /schedules')

  const listed = (api as { sessionId: string }[]).map(s => s.sessionId)
  t.same(listed.slice().sort(), [IDS.scheduled, IDS.unknownReset], 'the two limited sessions, and no other')
  t.match(api.find(s => (s as { sessionId: string }).sessionId === IDS.scheduled), {
    state: 'scheduled', reason: String, attempt: 1, limitKind: 'five_hour', retryAt: String, resetAt: String,
  })
  t.match(api.find(s => (s as { sessionId: string }).sessionId === IDS.unknownReset), { limitKind: 'unknown', resetAt: null, attempt: 1 })
})

t.test('every file of the run validates against its schema', async t => {
  t.equal(await real.supervisor.stop(), 0, 'a clean stop (it writes the summaries once more)')
  const { paths } = real
  const check = (name: SchemaName, document: unknown, what: string) => {
    const validate = validators[name]
    t.ok(validate(document), `${what}: ${describeErrors(validate)}`)
  }

  const journals = readdirSync(paths.eventsDir).filter(n => n.endsWith('.jsonl'))
  t.same(journals.sort(), Object.values(IDS).map(id => `${id}.jsonl`).sort(), 'one journal per session')
  const origins = new Set<string>()
  const events = new Set<string>()
  for (const name of journals) {
    for (const line of readFileSync(join(paths.eventsDir, name), 'utf8').split('\n').filter(Boolean)) {
      const record = JSON.parse(line) as { origin: string; event: string }
      origins.add(record.origin)
      events.add(record.event)
      check('journalLine', record, `${name}: ${record.event}`)
    }
  }
  t.same([...origins].sort(), ['cli', 'hook', 'http', 'supervisor'], 'lines from every writer')
  for (const event of ['SessionStart', 'UserPromptSubmit', 'Notification', 'StopFailure', 'SessionEnd', 'ScheduleCancelled', 'LimitReported', 'ResumeStarted', 'ResumeExited']) {
    t.ok(events.has(event), `a ${event} line was checked`)
  }

  for (const id of Object.values(IDS)) check('sessionState', readJson(join(paths.sessionsDir, `${id}.json`)), `sessions/${id}.json`)
  t.match(readState(real.home, IDS.resumed), { lastRun: { attempt: Number, mode: 'spawn', exitCode: 0, outcome: 'completed' } }, 'a state file with a last run was among them')

  const current = readJson(paths.currentSession)
  check('currentSession', current, 'sessions/current_session.json')
  t.match(current, { schema: 1, sessionId: String })
  const schedule = readJson(paths.resumeSchedule)
  check('resumeSchedule', schedule, 'sessions/resume_schedule.json')
  t.match(schedule, { schema: 1, cap: { maxResumesPerDay: 20 }, schedules: [{}, {}] })
  const usage = readJson(paths.usageFile)
  check('usage', usage, 'usage.json')
  t.match(usage, { schema: 1, fiveHour: { usedPercentage: 42.5 }, sessionId: IDS.scheduled })
})
