// <home>/sessions/quarantine/: bad input kept for inspection (a spool event that is not a valid
// hook event, a journal line that does not parse, a corrupt state file). Bounded: at most
// QUARANTINE_MAX_FILES files and QUARANTINE_MAX_BYTES in all (the oldest go first), and a file
// of bad lines stops growing at QUARANTINE_FILE_MAX_BYTES, so hostile input cannot fill the disk.
// Prompts are removed before anything is kept: they are the user's words and never stored.
import { readdirSync, lstatSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { HomePaths } from '../home/home-paths.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { appendFileSafe, writeNewFileSync } from '../home/safe-files.js'

export const QUARANTINE_MAX_FILES = 500
export const QUARANTINE_MAX_BYTES = 32 * 1024 * 1024
export const QUARANTINE_FILE_MAX_BYTES = 1024 * 1024

/** Hook payload fields that carry what the user typed. */
export const PROMPT_FIELDS = ['prompt'] as const

const PROMPT_TEXT = new RegExp(`"(${PROMPT_FIELDS.join('|')})"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"?`, 'g')

/**
 * A raw spool file (`ssr1 …` header line, then the hook's JSON) without its prompt: parsed when it
 * parses, else (cut or malformed JSON) by pattern, up to the end of the text for an unclosed string.
 */
export function withoutPrompts(raw: string): string {
  const newline = raw.indexOf('\n')
  const header = newline === -1 ? '' : raw.slice(0, newline + 1)
  const body = newline === -1 ? raw : raw.slice(newline + 1)
  try {
    const value: unknown = JSON.parse(body)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>
      for (const field of PROMPT_FIELDS) {
        if (typeof record[field] === 'string') record[field] = `[removed: ${(record[field] as string).length} characters]`
      }
      return header + JSON.stringify(record)
    }
  } catch {
    // Not JSON: fall through to the pattern.
  }
  return header + body.replace(PROMPT_TEXT, (_match, field: string) => `"${field}":"[removed]"`)
}

/** Keeps `text` as a new file `name` in the quarantine (another name if that one is taken). */
export function keepInQuarantine(paths: HomePaths, name: string, text: string): string {
  ensureHomeDir(paths.home, paths.quarantineDir)
  pruneQuarantine(paths, { files: 1, bytes: text.length })
  for (let n = 0; ; n++) {
    const target = join(paths.quarantineDir, n === 0 ? name : `${name}.${n}`)
    try {
      writeNewFileSync(target, text)
      return target
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 20) throw error
    }
  }
}

/** Appends one line to quarantine file `name`; false (nothing written) once it holds QUARANTINE_FILE_MAX_BYTES. */
export function appendToQuarantine(paths: HomePaths, name: string, line: string): boolean {
  ensureHomeDir(paths.home, paths.quarantineDir)
  const file = join(paths.quarantineDir, name)
  let size = 0
  try {
    size = lstatSync(file).size
  } catch {
    pruneQuarantine(paths, { files: 1, bytes: line.length })
  }
  if (size + line.length > QUARANTINE_FILE_MAX_BYTES) return false
  appendFileSafe(file, line)
  return true
}

/** Makes room for what is about to come in: removes the oldest files beyond the caps. */
export function pruneQuarantine(paths: HomePaths, incoming: { files: number; bytes: number } = { files: 0, bytes: 0 }): number {
  let files: { name: string; size: number; mtimeMs: number }[] = []
  try {
    files = readdirSync(paths.quarantineDir).flatMap(name => {
      try {
        const stat = lstatSync(join(paths.quarantineDir, name))
        return [{ name, size: stat.size, mtimeMs: stat.mtimeMs }]
      } catch {
        return []
      }
    })
  } catch {
    return 0
  }
  files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name))
  let bytes = files.reduce((sum, f) => sum + f.size, 0) + incoming.bytes
  let count = files.length + incoming.files
  let removed = 0
  for (const file of files) {
    if (count <= QUARANTINE_MAX_FILES && bytes <= QUARANTINE_MAX_BYTES) break
    try {
      unlinkSync(join(paths.quarantineDir, file.name))
      removed++
    } catch {
      // gone already
    }
    count--
    bytes -= file.size
  }
  return removed
}
