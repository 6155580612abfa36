// What a resumed run did, from what it left behind: its exit, the result object it printed with
// `--output-format json` (verified with 2.1.331: `is_error`, `terminal_reason`, `num_turns`,
// `total_cost_usd`, `permission_denials`, `result`, `api_error_status`), and, for CLIs without
// that object, whether its transcript ends on a limit. Pure.
import type { RunDetails, RunOutcome } from '../../state/session-events.js'

/** The gate before `claude` (see run-gate.ts) exits with this when it was never told to go. */
export const NOT_STARTED_EXIT = 97
export const NOT_STARTED_MARK = 'session-retry: run not started'

/** The fields of the CLI's result object this product reads. */
export interface RunResult {
  isError: boolean
  terminalReason: string | null
  turns: number | null
  costUsd: number | null
  deniedTools: string[]
  result: string | null
  apiErrorStatus: number | null
  apiError: string | null
}

/** The last result object in a run's log (stdout and stderr share it), or null. */
export function parseRunResult(logText: string): RunResult | null {
  const lines = logText.split('\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim()
    if (!line.startsWith('{') || !line.includes('"result"')) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      continue
    }
    if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'result') return readResult(value as Record<string, unknown>)
  }
  return null
}

function readResult(o: Record<string, unknown>): RunResult {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  const denials = Array.isArray(o.permission_denials) ? o.permission_denials : []
  const names = denials.map(d => (typeof d === 'object' && d !== null ? str((d as { tool_name?: unknown }).tool_name) : null)).filter((n): n is string => n !== null)
  return {
    isError: o.is_error === true,
    terminalReason: str(o.terminal_reason),
    turns: num(o.num_turns),
    costUsd: num(o.total_cost_usd),
    deniedTools: [...new Set(names)],
    result: str(o.result),
    apiErrorStatus: num(o.api_error_status),
    apiError: str(o.api_error),
  }
}

export interface RunEvidence {
  exitCode: number | null
  /** The run's result object, when the CLI printed one. */
  result: RunResult | null
  /** Its transcript's last row is a limit written after the run started. */
  limitedInTranscript: boolean
  /** The result text or the log reads as a limit banner. */
  limitedByText: boolean
  /** The gate reported it never let `claude` start. */
  notStarted: boolean
}

export interface RunVerdict {
  outcome: RunOutcome
  details: RunDetails
}

export function classifyRun(evidence: RunEvidence): RunVerdict {
  const r = evidence.result
  const details: RunDetails = {
    turns: r?.turns ?? null,
    costUsd: r?.costUsd ?? null,
    deniedTools: r?.deniedTools ?? [],
    resultLine: firstLine(r?.result ?? null),
    terminalReason: r?.terminalReason ?? null,
    startError: r ? null : startError(evidence.exitCode),
  }
  return { outcome: outcomeOf(evidence, details), details }
}

function outcomeOf(evidence: RunEvidence, details: RunDetails): RunOutcome {
  const r = evidence.result
  if (evidence.notStarted) return 'not-started'
  if (details.startError) return 'failed'
  if (evidence.limitedInTranscript || evidence.limitedByText || r?.apiErrorStatus === 429 || r?.apiError === 'usage_limit_reached') return 'limited'
  if (r) {
    if (r.isError) return 'failed'
    if (r.deniedTools.length > 0) return 'blocked'
    return evidence.exitCode === 0 || evidence.exitCode === null ? 'completed' : 'failed'
  }
  return evidence.exitCode === 0 ? 'completed' : 'failed'
}

/** `sh` reports a command it cannot run with 127 (not found) or 126 (not executable). */
function startError(exitCode: number | null): string | null {
  if (exitCode === 127) return 'command not found'
  if (exitCode === 126) return 'command not executable'
  return null
}

export const RESULT_LINE_CHARS = 200

export function firstLine(text: string | null): string | null {
  if (!text) return null
  const line = text.split('\n').find(l => l.trim() !== '')?.trim() ?? ''
  if (line === '') return null
  return line.length > RESULT_LINE_CHARS ? `${line.slice(0, RESULT_LINE_CHARS - 1)}…` : line
}
