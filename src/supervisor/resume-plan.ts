// How a session is resumed: which command line, in which permission mode, or why not at all.
// Pure: the caller gives the session's facts, the configuration and what the installed CLI knows.
//
// The rule is "never wider than the user gave the session": the run gets the mode the session last
// ran in. Plan mode cannot do work headless, and bypassPermissions runs only with the user's
// explicit opt-in; both go to the user instead. The user's own choices (SESSION_RETRY_PERMISSION_MODE,
// a permission flag in SESSION_RETRY_CLAUDE_ARGS) win over the session's mode.
import { atLeast } from '../os/claude-version.js'
import type { PermissionMode } from '../../state/session-events.js'

/** What the installed CLI understands, from its version. */
export interface CliCapabilities {
  version: string | null
  /** `--permission-prompts none`: a would-be prompt is refused at once instead of waiting for nobody. */
  permissionPrompts: boolean
  /** `--output-format json`: the run prints its own result object (turns, cost, refused tools). */
  jsonResult: boolean
}

/** First versions with each flag (checked with `claude --help` of 2.1.77 and 2.1.331). */
export const PERMISSION_PROMPTS_SINCE = '2.1.259'
export const JSON_RESULT_SINCE = '2.1.78'

export function capabilitiesFor(version: string | null): CliCapabilities {
  return { version, permissionPrompts: atLeast(version, PERMISSION_PROMPTS_SINCE), jsonResult: atLeast(version, JSON_RESULT_SINCE) }
}

export interface PlanInput {
  sessionId: string
  /** The mode the session last ran in, null when no hook said. */
  sessionMode: PermissionMode | null
  override: PermissionMode | null
  allowBypass: boolean
  /** SESSION_RETRY_CLAUDE_ARGS. */
  userArgs: string[]
  prompt: string
  cli: CliCapabilities
}

export type ResumePlan =
  | { ok: true; args: string[]; permissionMode: PermissionMode | null }
  | { ok: false; reason: string }

const USER_PERMISSION_FLAGS = ['--permission-mode', '--dangerously-skip-permissions', '--allow-dangerously-skip-permissions']

export function planResume(input: PlanInput): ResumePlan {
  const userChoseFlags = input.userArgs.some(arg => USER_PERMISSION_FLAGS.some(flag => arg === flag || arg.startsWith(`${flag}=`)))
  const mode = userChoseFlags ? null : (input.override ?? input.sessionMode)
  const yourself = `continue it yourself: claude --resume ${input.sessionId}`
  if (mode === 'plan') {
    return { ok: false, reason: `the session ran in plan mode, and a plan-mode turn cannot do the work unattended: ${yourself}` }
  }
  if (mode === 'bypassPermissions' && !input.allowBypass) {
    return {
      ok: false,
      reason:
        `the session ran with bypassPermissions, which is resumed unattended only if you allow it ` +
        `(SESSION_RETRY_ALLOW_BYPASS=true, then session-retry resume ${input.sessionId}); or ${yourself}`,
    }
  }
  const args = [...input.userArgs]
  if (mode !== null) args.push('--permission-mode', mode)
  if (input.cli.permissionPrompts && !input.userArgs.includes('--permission-prompts')) args.push('--permission-prompts', 'none')
  if (input.cli.jsonResult && !input.userArgs.includes('--output-format')) args.push('--output-format', 'json')
  args.push('--resume', input.sessionId, '-p', input.prompt)
  return { ok: true, args, permissionMode: mode }
}
