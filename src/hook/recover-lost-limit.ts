// In `claude -p`, Claude Code may exit before a StopFailure hook has even started (measured: 1 to 4
// runs in 20 with 2.1.331 on a loaded 2-core machine), so no hook can guarantee that record.
// SessionEnd hooks are waited for: when one arrives, a turn that ended on a limit row in the
// transcript but has no Stop/StopFailure in the journal gets the StopFailure it lost, rebuilt
// from that row and marked `recovered: "transcript"`.
import { Buffer } from 'node:buffer'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { newRecord, parseJournalLine, type JournalRecord } from '../journal/event-record.js'
import { sessionFile, type HomePaths } from '../home/home-paths.js'

/** How much of the end of a journal or transcript is read: the last turn is always within it. */
export const RECOVERY_TAIL_BYTES = 256 * 1024

export function recoverLostLimit(paths: HomePaths, sessionEnd: JournalRecord): JournalRecord | null {
  const transcript = sessionEnd.transcriptPath
  if (!transcript || !transcript.endsWith('.jsonl')) return null
  const turnStart = lastTurnStart(paths, sessionEnd)
  if (turnStart === null) return null
  const row = lastApiErrorRow(transcript, turnStart.at)
  if (!row || row.error !== 'rate_limit') return null
  const record = newRecord('hook', sessionEnd.sessionId, 'StopFailure', 0, {
    id: `transcript-${row.uuid}`,
    ts: row.timestamp,
    error: row.error,
    recovered: 'transcript',
  })
  if (sessionEnd.cwd) record.cwd = sessionEnd.cwd
  record.transcriptPath = transcript
  if (row.text) record.lastAssistantMessage = row.text
  if (sessionEnd.claudePid) record.claudePid = sessionEnd.claudePid
  return record
}

/** The last prompt of the session, unless a Stop/StopFailure already closed that turn. */
function lastTurnStart(paths: HomePaths, sessionEnd: JournalRecord): { at: number } | null {
  let start: number | null = null
  for (const line of tailLines(sessionFile(paths, sessionEnd.sessionId, 'journal'))) {
    const parsed = parseJournalLine(line)
    if (!parsed.ok || parsed.value.sessionId !== sessionEnd.sessionId) continue
    const { event, ts } = parsed.value
    if (event === 'UserPromptSubmit') start = Date.parse(ts)
    else if (event === 'Stop' || event === 'StopFailure') start = null
  }
  return start === null ? null : { at: start }
}

interface ErrorRow {
  uuid: string
  timestamp: string
  error: string
  text: string
}

function lastApiErrorRow(transcript: string, notBefore: number): ErrorRow | null {
  const lines = tailLines(transcript)
  for (let i = lines.length - 1; i >= 0; i--) {
    let row: Record<string, unknown>
    try {
      row = JSON.parse(lines[i]!)
    } catch {
      continue
    }
    if (row.type !== 'assistant' || row.isSidechain === true) continue
    const at = typeof row.timestamp === 'string' ? Date.parse(row.timestamp) : NaN
    if (!(at >= notBefore - 1000)) return null
    if (row.isApiErrorMessage !== true) return null
    if (typeof row.uuid !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(row.uuid)) return null
    return { uuid: row.uuid, timestamp: new Date(at).toISOString(), error: String(row.error ?? 'unknown'), text: rowText(row) }
  }
  return null
}

function rowText(row: Record<string, unknown>): string {
  const content = (row.message as { content?: unknown } | undefined)?.content
  if (!Array.isArray(content)) return ''
  return content
    .map(part => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join('\n')
    .slice(-8192)
}

/** Complete lines in the last RECOVERY_TAIL_BYTES of a file (the first, possibly cut, is dropped). */
function tailLines(file: string): string[] {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return []
  }
  try {
    const size = fstatSync(fd).size
    const start = Math.max(0, size - RECOVERY_TAIL_BYTES)
    const buffer = Buffer.alloc(size - start)
    const n = readSync(fd, buffer, 0, buffer.length, start)
    const lines = buffer.subarray(0, n).toString('utf8').split('\n')
    if (start > 0) lines.shift()
    return lines.filter(line => line.trim() !== '')
  } finally {
    closeSync(fd)
  }
}
