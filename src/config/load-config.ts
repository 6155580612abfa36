// Configuration comes from the environment once, at an entry point, and is passed down, so no
// module reads it at import time and a test passes its own. A bad value is an error that names
// the variable, never a silent default.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { resolveHome } from '../home/home-paths.js'
import type { LogLevel } from '../home/logger.js'
import { DEFAULT_RETRY_POLICY } from '../../state/retry-policy.js'
import { isPermissionMode, PERMISSION_MODES, type PermissionMode } from '../../state/session-events.js'
import { LONG_WAIT_POLICIES, type LongWaitPolicy } from '../../state/retry-policy.js'


export interface Config {
  home: string
  enabled: boolean
  port: number
  healthPort: number
  logLevel: LogLevel
  monitorIntervalMs: number
  claudeIntegration: boolean
  claudeBin: string
  resumePrompt: string
  /** Resume every session in this mode instead of the one it ran in (SESSION_RETRY_PERMISSION_MODE). */
  permissionModeOverride: PermissionMode | null
  /** Sessions that ran with bypassPermissions may be resumed that way (SESSION_RETRY_ALLOW_BYPASS). */
  allowBypass: boolean
  resumeMarginMs: number
  maxAttempts: number
  ownerGraceMs: number
  autostart: boolean
  /** Extra arguments before `--resume` (e.g. ["--plugin-dir", "/path"]), from a JSON array. */
  claudeArgs: string[]
  /** Minimum gap between two sessions' resumes: they share one quota. */
  staggerMs: number
  /** First backoff after a failed resume; doubles per attempt. */
  backoffBaseMs: number
  /** Claude Code's own folder (sessions registry), CLAUDE_CONFIG_DIR or ~/.claude. */
  claudeConfigDir: string
  /** Automatic resumes per local day; a manual resume is never held back. 0: no automatic resume. */
  maxResumesPerDay: number
  /** A reset further away than this is a long wait (SESSION_RETRY_LONG_WAIT_HORIZON, hours). */
  longWaitHorizonMs: number
  /** Resume a long wait at its reset, or hand it to the user (SESSION_RETRY_LONG_WAIT). */
  longWait: LongWaitPolicy
  /** Continue an open session Claude Code gave up on in its own tmux pane (SESSION_RETRY_TMUX_CONTINUE). */
  tmuxContinue: boolean
}

export class ConfigError extends Error {}

export const CONFIG_DEFAULTS = {
  port: 8889,
  logLevel: 'info' as LogLevel,
  monitorIntervalSeconds: 30,
  // The retry policy's own defaults, in the seconds the variables use: one source for each number.
  resumeMarginSeconds: DEFAULT_RETRY_POLICY.marginMs / 1000,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
  ownerGraceSeconds: 600,
  staggerSeconds: DEFAULT_RETRY_POLICY.staggerMs / 1000,
  backoffBaseSeconds: DEFAULT_RETRY_POLICY.backoffBaseMs / 1000,
  maxResumesPerDay: 20,
  longWaitHorizonHours: 24,
  longWait: 'resume' as LongWaitPolicy,
  claudeBin: 'claude',
  resumePrompt:
    'Your usage limit has reset. Continue the task you were working on from where you stopped; ' +
    'if it is already finished, say so briefly.',
}

export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const port = integer(env, 'SESSION_RETRY_PORT', CONFIG_DEFAULTS.port, 0, 65535)
  return {
    home: resolveHome(env, cwd),
    enabled: bool(env, 'SESSION_RETRY_ENABLED', true),
    port,
    healthPort: integer(env, 'SESSION_RETRY_HEALTH_PORT', port, 0, 65535),
    logLevel: level(env),
    monitorIntervalMs: integer(env, 'SESSION_RETRY_MONITOR_INTERVAL', CONFIG_DEFAULTS.monitorIntervalSeconds, 1, 86_400) * 1000,
    claudeIntegration: bool(env, 'SESSION_RETRY_CLAUDE_INTEGRATION', true),
    claudeBin: env.SESSION_RETRY_CLAUDE_BIN || CONFIG_DEFAULTS.claudeBin,
    resumePrompt: env.SESSION_RETRY_RESUME_PROMPT || CONFIG_DEFAULTS.resumePrompt,
    permissionModeOverride: permissionMode(env),
    allowBypass: bool(env, 'SESSION_RETRY_ALLOW_BYPASS', false),
    resumeMarginMs: integer(env, 'SESSION_RETRY_RESUME_MARGIN', CONFIG_DEFAULTS.resumeMarginSeconds, 0, 86_400) * 1000,
    maxAttempts: integer(env, 'SESSION_RETRY_MAX_ATTEMPTS', CONFIG_DEFAULTS.maxAttempts, 0, 100),
    ownerGraceMs: integer(env, 'SESSION_RETRY_OWNER_GRACE', CONFIG_DEFAULTS.ownerGraceSeconds, 0, 86_400) * 1000,
    autostart: bool(env, 'SESSION_RETRY_AUTOSTART', true),
    claudeArgs: stringArray(env, 'SESSION_RETRY_CLAUDE_ARGS'),
    staggerMs: integer(env, 'SESSION_RETRY_STAGGER', CONFIG_DEFAULTS.staggerSeconds, 0, 3_600) * 1000,
    backoffBaseMs: integer(env, 'SESSION_RETRY_BACKOFF_BASE', CONFIG_DEFAULTS.backoffBaseSeconds, 1, 86_400) * 1000,
    claudeConfigDir: env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude'),
    maxResumesPerDay: integer(env, 'SESSION_RETRY_MAX_RESUMES_PER_DAY', CONFIG_DEFAULTS.maxResumesPerDay, 0, 10_000),
    longWaitHorizonMs: integer(env, 'SESSION_RETRY_LONG_WAIT_HORIZON', CONFIG_DEFAULTS.longWaitHorizonHours, 1, 24 * 8) * 3_600_000,
    longWait: longWait(env),
    tmuxContinue: bool(env, 'SESSION_RETRY_TMUX_CONTINUE', false),
  }
}

function stringArray(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return []
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ConfigError(`${name} must be a JSON array of strings, e.g. ["--model","sonnet"]`)
  }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw new ConfigError(`${name} must be a JSON array of strings, e.g. ["--model","sonnet"]`)
  }
  return value
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a boolean (use true or false)`)
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a whole number`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name}=${value} is out of range (${min} to ${max})`)
  return value
}

function permissionMode(env: NodeJS.ProcessEnv): PermissionMode | null {
  const raw = env.SESSION_RETRY_PERMISSION_MODE
  if (raw === undefined || raw === '') return null
  if (isPermissionMode(raw)) return raw
  throw new ConfigError(`SESSION_RETRY_PERMISSION_MODE=${JSON.stringify(raw)} must be one of ${PERMISSION_MODES.join(', ')}`)
}

function longWait(env: NodeJS.ProcessEnv): LongWaitPolicy {
  const raw = env.SESSION_RETRY_LONG_WAIT
  if (raw === undefined || raw === '') return CONFIG_DEFAULTS.longWait
  const value = raw.toLowerCase()
  if ((LONG_WAIT_POLICIES as readonly string[]).includes(value)) return value as LongWaitPolicy
  throw new ConfigError(`SESSION_RETRY_LONG_WAIT=${JSON.stringify(raw)} must be one of ${LONG_WAIT_POLICIES.join(', ')}`)
}

function level(env: NodeJS.ProcessEnv): LogLevel {
  const raw = (env.SESSION_RETRY_LOG_LEVEL || CONFIG_DEFAULTS.logLevel).toLowerCase()
  if (raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error') return raw
  throw new ConfigError(`SESSION_RETRY_LOG_LEVEL=${JSON.stringify(raw)} must be debug, info, warn or error`)
}
