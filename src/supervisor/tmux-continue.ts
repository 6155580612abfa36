// Continue a session that is still open in Claude Code, in its own tmux pane, when Claude Code
// will not continue it by itself: press Enter where it waits for Enter (its auto-continue found
// the machine slept past the reset), or type the resume prompt into its empty input line. Only
// when the pane still runs the session's own Claude Code process and nobody is typing in it; the
// pane is read back after the keys went in. tmux runs with argument arrays, never a shell.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { TMUX_PANE_ID } from '../journal/event-record.js'

/** Runs `tmux <args>` and resolves with its stdout; rejects when tmux fails. */
export type TmuxRunner = (args: string[]) => Promise<string>

export interface PaneContinueInput {
  pane: string
  /** The Claude Code process that has the session open. */
  ownerPid: number
  /** `enter`: the TUI waits for Enter; otherwise this text is typed, then Enter. */
  keys: 'enter' | { prompt: string }
  tmux: TmuxRunner
  /** Is `pid` the pane's process or one of its descendants? (default: walk /proc) */
  runsIn?: (pid: number, panePid: number) => boolean
  /** Waits between sending and reading back (tests pass a short one). */
  sleep?: (ms: number) => Promise<void>
  /** How long the pane gets to show what was sent. */
  readBackMs?: number
}

export interface PaneContinueResult {
  sent: boolean
  /** What was sent, or why nothing was. */
  detail: string
}

const DEFAULT_READ_BACK_MS = 15_000
const POLL_MS = 250
/** Enough of the prompt to recognise it in the input box (it may wrap over several lines). */
const PROMPT_PROBE_CHARS = 24

/** `tmux` on the server the owner's pane lives on (`-S <socket>`), or the default server. */
export function tmuxRunner(socket: string | null, bin = 'tmux'): TmuxRunner {
  const server = socket ? ['-S', socket] : []
  return args =>
    new Promise((resolve, reject) => {
      execFile(bin, [...server, ...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error((stderr || error.message).trim().split('\n')[0]))
        else resolve(stdout)
      })
    })
}

/** The tmux server socket of a process, from its `TMUX` variable (Linux /proc); null when unknown. */
export function tmuxSocketOf(pid: number): string | null {
  let environ: string
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
  } catch {
    return null
  }
  const entry = environ.split('\0').find(line => line.startsWith('TMUX='))
  const socket = entry?.slice('TMUX='.length).split(',')[0] ?? ''
  return isAbsolute(socket) && !socket.includes('\n') ? socket : null
}

/**
 * The text in Claude Code's input line, or null when the pane shows none (a question or menu is
 * open, or it is not Claude Code). The input box is the line starting with `❯` right under a
 * horizontal rule; a menu's `❯` is indented and has no rule above it.
 */
export function inputLineText(screen: string): string | null {
  const lines = screen.split('\n')
  const rule = (i: number) => /^─{10,}\s*$/.test(lines[i] ?? '')
  for (let i = lines.length - 1; i > 0; i--) {
    const line = lines[i] ?? ''
    if (!line.startsWith('❯') || !rule(i - 1)) continue
    const rest: string[] = [line.slice(1)]
    for (let j = i + 1; j < lines.length && !rule(j); j++) rest.push(lines[j] ?? '')
    return rest.join('\n').replace(/[\s\u00a0]+/g, ' ').trim()
  }
  return null
}

export function isDescendant(pid: number, ancestor: number): boolean {
  let current = pid
  for (let hops = 0; hops < 64 && current > 1; hops++) {
    if (current === ancestor) return true
    try {
      // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8')
      current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    } catch {
      return false
    }
  }
  return false
}

export async function continueInPane(input: PaneContinueInput): Promise<PaneContinueResult> {
  const { pane, ownerPid, tmux } = input
  const runsIn = input.runsIn ?? isDescendant
  const sleep = input.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const readBackMs = input.readBackMs ?? DEFAULT_READ_BACK_MS
  if (!TMUX_PANE_ID.test(pane)) return { sent: false, detail: `${JSON.stringify(pane)} is not a tmux pane id` }
  try {
    const panePid = Number((await tmux(['display-message', '-p', '-t', pane, '#{pane_pid}'])).trim())
    if (!Number.isSafeInteger(panePid) || panePid <= 0 || !runsIn(ownerPid, panePid)) {
      return { sent: false, detail: `tmux pane ${pane} no longer runs Claude Code process ${ownerPid}` }
    }
    const before = inputLineText(await capture(tmux, pane))
    if (before === null) return { sent: false, detail: `tmux pane ${pane} shows no empty input line (a question or menu is open)` }
    if (before !== '') return { sent: false, detail: `someone is typing in tmux pane ${pane} (its input line is not empty)` }
    if (input.keys === 'enter') {
      await tmux(['send-keys', '-t', pane, 'Enter'])
      return { sent: true, detail: `pressed Enter in tmux pane ${pane}` }
    }
    const probe = oneLine(input.keys.prompt).slice(0, PROMPT_PROBE_CHARS)
    await tmux(['send-keys', '-t', pane, '-l', oneLine(input.keys.prompt)])
    const typed = await waitForInput(tmux, pane, text => text !== null && text.startsWith(probe), readBackMs, sleep)
    if (typed === null || !typed.startsWith(probe)) {
      return { sent: false, detail: `typed the resume prompt into tmux pane ${pane}, but it did not show in the input line (${JSON.stringify(typed)}); Enter was not pressed` }
    }
    await tmux(['send-keys', '-t', pane, 'Enter'])
    const after = await waitForInput(tmux, pane, text => text === '', readBackMs, sleep)
    if (after !== '') return { sent: false, detail: `pressed Enter after the resume prompt in tmux pane ${pane}, but the input line still holds ${JSON.stringify(after)}` }
    return { sent: true, detail: `typed the resume prompt into tmux pane ${pane} and pressed Enter` }
  } catch (error) {
    return { sent: false, detail: `tmux failed: ${(error as Error).message}` }
  }
}

/** A newline in the prompt would submit it early: the TUI takes it as Enter. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function capture(tmux: TmuxRunner, pane: string): Promise<string> {
  return tmux(['capture-pane', '-p', '-J', '-t', pane])
}

async function waitForInput(
  tmux: TmuxRunner,
  pane: string,
  done: (text: string | null) => boolean,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<string | null> {
  let text: string | null = null
  for (let waited = 0; ; waited += POLL_MS) {
    text = inputLineText(await capture(tmux, pane))
    if (done(text) || waited >= timeoutMs) return text
    await sleep(POLL_MS)
  }
}
