// The daily cap on automatic resumes (SESSION_RETRY_MAX_RESUMES_PER_DAY) counts what the journals
// say: every spawned attempt is journaled as ResumeStarted before it runs, and a manual one says
// `manual: true`. A restarted supervisor counts the same starts the running one counted, on any
// file system (no file birth times) and whatever the resume logs are called.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseJournalLine, type JournalRecord } from '../journal/event-record.js'
import type { HomePaths } from '../home/home-paths.js'
import { readFileSafe } from '../home/safe-files.js'

/** The local calendar day of an instant, as a key (`2026-11-28`). */
export function localDay(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** An automatic (not manual) spawned start on `day`. */
export function isAutomaticStartOn(record: JournalRecord, day: string): boolean {
  return record.event === 'ResumeStarted' && record.mode === 'spawn' && record.manual !== true && localDay(Date.parse(record.ts)) === day
}

/** The first instant of the local calendar day of `ms`. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/**
 * Automatic starts on the day of `now`, from the journals changed that day; with `only`, from
 * those sessions' journals alone (the ones a caller knows resumed today).
 */
export function countAutomaticStarts(paths: HomePaths, now: number, only: Iterable<string> | null = null): number {
  const day = localDay(now)
  const files = only === null ? allJournals(paths) : [...only].map(id => join(paths.eventsDir, `${id}.jsonl`))
  let count = 0
  for (const file of files.filter(file => changedOn(file, day))) {
    let text: string
    try {
      text = readFileSafe(file)
    } catch {
      continue
    }
    if (!text.includes('"ResumeStarted"')) continue
    for (const line of text.split('\n')) {
      if (!line.includes('"ResumeStarted"')) continue
      const parsed = parseJournalLine(line)
      if (parsed.ok && isAutomaticStartOn(parsed.value, day)) count++
    }
  }
  return count
}

function allJournals(paths: HomePaths): string[] {
  let names: string[]
  try {
    names = readdirSync(paths.eventsDir)
  } catch {
    return []
  }
  return names.filter(name => name.endsWith('.jsonl')).map(name => join(paths.eventsDir, name))
}

/** Only a journal changed on `day` can hold a start of that day. */
function changedOn(file: string, day: string): boolean {
  const stat = lstatSync(file, { throwIfNoEntry: false })
  return stat?.isFile() === true && localDay(stat.mtimeMs) === day
}
