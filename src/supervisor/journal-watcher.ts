// Watching is a hint, reading is the truth. Journals: one fs.watch on the events folder, which on
// Linux is one inotify watch that names the file of every append and lists nothing. chokidar 5 did
// this job before and cost most of the supervisor's CPU under load: each append made it re-list the
// folder and stat every journal, and it held one watch per journal (bench/journal-watcher.bench.mjs
// measures both). The spool holds a few short-lived files: chokidar watches it, and since it drops
// the last change of a burst (paulmillr/chokidar#1455) every spool event also schedules a trailing
// sweep. The periodic reconcile (readdir + stat) catches whatever either watcher missed.
import { watch, type FSWatcher } from 'chokidar'
import { readdirSync, statSync, watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs'
import { basename, join } from 'node:path'
import { isValidSessionId } from '../home/session-id.js'

export const TRAILING_SWEEP_MS = 100

const JOURNAL_SUFFIX = '.jsonl'

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
  private journals: FolderWatcher | null = null
  /** Which events folder is watched: one removed and made again is another. */
  private watchedFolder: string | null = null
  private spool: FSWatcher | null = null
  private trailing: NodeJS.Timeout | null = null
  private stopped = false

  constructor(private readonly options: JournalWatcherOptions) {}

  async start(): Promise<void> {
    this.watchJournals()
    const spool = watch(this.options.spoolDir, {
      ignoreInitial: true,
      depth: 0,
      // chokidar asks once without stats for every path, the folder included: ignore only what is
      // known to be a file and is not an event (a claimed one).
      ignored: (path, stats) => !!stats?.isFile() && !path.endsWith('.event'),
    })
    this.spool = spool
    spool.on('add', () => this.spoolChanged())
    spool.on('change', () => this.spoolChanged())
    spool.on('error', error => this.options.onError(error))
    await new Promise<void>(resolve => spool.once('ready', () => resolve()))
  }

  /** Journals with bytes beyond what was applied, whatever the watcher said (one stat per journal). */
  reconcile(): string[] {
    // A watch lost to an error, or to its folder (removed and made again), is set up anew here.
    if (!this.stopped && (!this.journals || folderIdentity(this.options.eventsDir) !== this.watchedFolder)) this.watchJournals()
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
    this.journals?.close()
    this.journals = null
    await this.spool?.close()
  }

  private watchJournals(): void {
    this.journals?.close()
    this.journals = null
    this.watchedFolder = folderIdentity(this.options.eventsDir)
    const self = basename(this.options.eventsDir)
    try {
      const watcher = watchFolder(this.options.eventsDir, (_type, name) => {
        // The folder itself went away: this watch sees nothing more, the reconcile sets up another.
        if (name === self) return this.lose(watcher)
        // No name (some platforms, or an overflow): the next reconcile finds the journal.
        const id = typeof name === 'string' ? journalId(name) : null
        if (id !== null) this.options.onJournal(id)
      })
      watcher.on('error', error => {
        this.lose(watcher)
        this.options.onError(error)
      })
      this.journals = watcher
    } catch (error) {
      this.options.onError(error)
    }
  }

  private lose(watcher: FolderWatcher): void {
    watcher.close()
    if (this.journals === watcher) this.journals = null
  }

  private spoolChanged(): void {
    this.options.onSpool()
    if (this.trailing) clearTimeout(this.trailing)
    this.trailing = setTimeout(() => {
      this.trailing = null
      this.options.onSpool()
    }, TRAILING_SWEEP_MS)
  }
}

function folderIdentity(dir: string): string | null {
  try {
    const stat = statSync(dir)
    return `${stat.dev}:${stat.ino}:${stat.birthtimeMs}`
  } catch {
    return null
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
