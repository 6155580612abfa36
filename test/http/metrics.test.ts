import t from 'tap'
import { escapeLabel, METRICS_CONTENT_TYPE, renderMetrics } from '../../src/http/metrics.js'

const input = {
  version: '1.0.0',
  byState: { active: 2, odd: 1 },
  pendingSchedules: 1,
  resumes: { started: 3, succeeded: 2, failed: 1 },
  resumesRunning: 0,
  eventsApplied: 10,
  linesQuarantined: 1,
  errors: 0,
  ticks: 4,
  journalLag: 0,
  uptimeSeconds: 12,
}

t.test('Prometheus text format 0.0.4: HELP, TYPE, one sample per line, every state listed', async t => {
  t.equal(METRICS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8')
  const text = renderMetrics(input)
  t.ok(text.endsWith('\n'))
  const names = new Set<string>()
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (gauge|counter)$/.exec(line)
    if (type) {
      t.notOk(names.has(type[1]!), `${type[1]} declared once`)
      names.add(type[1]!)
      if (type[2] === 'counter') t.match(type[1], /_total$/)
      continue
    }
    if (line.startsWith('# HELP ')) continue
    t.match(line, /^[a-z_]+(\{[a-z]+="(?:[^"\\]|\\.)*"(,[a-z]+="(?:[^"\\]|\\.)*")*\})? (\d+|NaN|[+-]Inf)$/, line)
  }
  for (const state of ['active', 'limited', 'scheduled', 'due', 'resuming', 'awaitingOwner', 'needsUser', 'exhausted', 'cancelled', 'ended', 'odd']) {
    t.match(text, new RegExp(`^session_retry_sessions\\{state="${state}"\\} \\d+$`, 'm'))
  }
  t.match(text, 'session_retry_sessions{state="active"} 2\n')
  t.match(text, 'session_retry_resumes_started_total 3\n')
  t.match(text, 'session_retry_resumes_failed_total 1\n')
  t.match(text, 'session_retry_uptime_seconds 12\n')
  t.match(text, 'session_retry_ticks_total 4\n')
  t.match(renderMetrics({ ...input, errors: NaN, journalLag: Infinity, uptimeSeconds: -Infinity }), /errors_total NaN\n[\s\S]*lag_sessions \+Inf\n[\s\S]*uptime_seconds -Inf\n/)
})

t.test('label values are escaped', async t => {
  t.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd')
  t.match(renderMetrics({ ...input, version: '1"\n' }), 'session_retry_build_info{version="1\\"\\n"} 1\n')
})
