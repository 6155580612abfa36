// GET /metrics in the Prometheus text exposition format (version 0.0.4).
import { SESSION_STATES } from '../../state/session-context.js'

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface MetricsInput {
  version: string
  byState: Record<string, number>
  pendingSchedules: number
  resumes: { started: number; succeeded: number; failed: number }
  resumesRunning: number
  eventsApplied: number
  linesQuarantined: number
  errors: number
  ticks: number
  journalLag: number
  uptimeSeconds: number
}

type Sample = { labels?: Record<string, string>; value: number }

export function renderMetrics(m: MetricsInput): string {
  const out: string[] = []
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const s of samples) out.push(`${name}${labels(s.labels)} ${formatValue(s.value)}`)
  }
  const states = [...new Set([...SESSION_STATES, ...Object.keys(m.byState).sort()])]
  metric('session_retry_build_info', 'gauge', 'Version of smart-session-retry.', [{ labels: { version: m.version }, value: 1 }])
  metric(
    'session_retry_sessions',
    'gauge',
    'Sessions known to the supervisor, by state.',
    states.map(state => ({ labels: { state }, value: m.byState[state] ?? 0 })),
  )
  metric('session_retry_schedules_pending', 'gauge', 'Pending schedules (entries of resume_schedule.json).', [{ value: m.pendingSchedules }])
  metric('session_retry_resumes_started_total', 'counter', 'Resume processes started since the supervisor started.', [{ value: m.resumes.started }])
  metric('session_retry_resumes_succeeded_total', 'counter', 'Resumes that exited 0 without a new limit.', [{ value: m.resumes.succeeded }])
  metric('session_retry_resumes_failed_total', 'counter', 'Resumes that failed or hit a limit again.', [{ value: m.resumes.failed }])
  metric('session_retry_resumes_running', 'gauge', 'Resume processes running now.', [{ value: m.resumesRunning }])
  metric('session_retry_events_applied_total', 'counter', 'Journal events applied to session machines.', [{ value: m.eventsApplied }])
  metric('session_retry_lines_quarantined_total', 'counter', 'Journal lines moved to quarantine.', [{ value: m.linesQuarantined }])
  metric('session_retry_errors_total', 'counter', 'Supervisor errors.', [{ value: m.errors }])
  metric('session_retry_ticks_total', 'counter', 'Wall-clock ticks done, each re-checking every session.', [{ value: m.ticks }])
  metric('session_retry_journal_lag_sessions', 'gauge', 'Sessions whose journal has bytes not applied yet.', [{ value: m.journalLag }])
  metric('session_retry_uptime_seconds', 'gauge', 'Seconds since the supervisor process started.', [{ value: m.uptimeSeconds }])
  return out.join('\n') + '\n'
}

function labels(values: Record<string, string> | undefined): string {
  if (!values) return ''
  const parts = Object.entries(values).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return `{${parts.join(',')}}`
}

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}
