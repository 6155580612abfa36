// Watching is a hint, reading is the truth. The events folder and the spool each have one fs.watch
// (folder-watch.ts). chokidar 5 watched both before: on each append it re-listed the events folder
// and stat-ed every journal (bench/journal-watcher.bench.mjs measures both), and on each spool file
// it re-listed the spool and stat-ed its entries while the hook that wrote it was still running,
// which Claude Code waits for. A spool change is swept SPOOL_SETTLE_MS later, and once more
// TRAILING_SWEEP_MS after the last one (the last write of a file may come after a sweep that found
// it incomplete). The periodic reconcile (readdir + stat) catches whatever either watch missed.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FolderWatch } from './folder-watch.js'
import { isValidSessionId } from '../home/session-id.js'

export const TRAILING_SWEEP_MS = 100
/**
 * A spool event is swept this long after it, not at once: the hook that wrote the file is still
 * running, and Claude Code waits for it. Sweeping at once put the supervisor's promote and state
 * writes beside the hook on the CPU. Not pushed back by later events, so a busy spool is still
 * swept every SPOOL_SETTLE_MS.
 */
export const SPOOL_SETTLE_MS = 25

const JOURNAL_SUFFIX = '.jsonl'
const SPOOL_SUFFIX = '.event'

export interface JournalWatcherOptions {
  eventsDir: string
  spoolDir: string
  onJournal: (sessionId: string) => void
  onSpool: () => void
  onError: (error: unknown) => void
  /** Offset applied so far, to decide in the reconcile which journals have unread bytes. */
  appliedOffset: (sessionId: string) => number
}

export class JournalWatcher {
  private readonly journals: FolderWatch
  private readonly spool: FolderWatch
  private trailing: NodeJS.Timeout | null = null
  private settling: NodeJS.Timeout | null = null
  private stopped = false

  constructor(private readonly options: JournalWatcherOptions) {
    this.journals = new FolderWatch(
      options.eventsDir,
      name => {
        // No name (some platforms, or an overflow): the next reconcile finds the journal.
        const id = name === null ? null : journalId(name)
        if (id !== null) options.onJournal(id)
      },
      options.onError,
    )
    this.spool = new FolderWatch(options.spoolDir, name => (name === null || name.endsWith(SPOOL_SUFFIX) ? this.spoolChanged() : undefined), options.onError)
  }

  async start(): Promise<void> {
    this.journals.renew()
    this.spool.renew()
  }

  /** Journals with bytes beyond what was applied, whatever the watcher said (one stat per journal). */
  reconcile(): string[] {
    // A watch lost to an error, or to its folder (removed and made again), is set up anew here.
    if (!this.stopped) {
      this.journals.renew()
      this.spool.renew()
    }
    const behind: string[] = []
    let names: string[]
    try {
      names = readdirSync(this.options.eventsDir)
    } catch {
      return behind
    }
    for (const name of names) {
      const id = journalId(name)
      if (id === null) continue
      if (journalSize(join(this.options.eventsDir, name)) > this.options.appliedOffset(id)) behind.push(id)
    }
    return behind
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.trailing) clearTimeout(this.trailing)
    if (this.settling) clearTimeout(this.settling)
    this.journals.close()
    this.spool.close()
  }

  private spoolChanged(): void {
    if (this.stopped) return
    this.settling ??= setTimeout(() => {
      this.settling = null
      this.options.onSpool()
    }, SPOOL_SETTLE_MS)
    if (this.trailing) clearTimeout(this.trailing)
    this.trailing = setTimeout(() => {
      this.trailing = null
      this.options.onSpool()
    }, TRAILING_SWEEP_MS)
  }
}

/** 0 for a journal that is gone or unreadable: nothing to read there now. */
function journalSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function journalId(name: string): string | null {
  if (!name.endsWith(JOURNAL_SUFFIX)) return null
  const id = name.slice(0, -JOURNAL_SUFFIX.length)
  return isValidSessionId(id) ? id : null
}
