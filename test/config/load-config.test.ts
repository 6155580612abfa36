// Configuration from the environment: defaults, every variable's parse, and errors that name the
// variable. Table-driven.
import t from 'tap'
import { CONFIG_DEFAULTS, ConfigError, loadConfig, type Config } from '../../src/config/load-config.js'
import { DEFAULT_RETRY_POLICY } from '../../state/retry-policy.js'

const BASE = { HOME: '/home/u' }
const load = (env: Record<string, string>) => loadConfig({ ...BASE, ...env }, '/work')

t.test('defaults', async t => {
  const c = load({})
  t.match(c, {
    home: '/home/u/.devflow',
    port: 8889,
    healthPort: 8889,
    logLevel: 'info',
    monitorIntervalMs: 30_000,
    claudeIntegration: true,
    claudeBin: 'claude',
    resumeMarginMs: DEFAULT_RETRY_POLICY.marginMs,
    maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
    staggerMs: DEFAULT_RETRY_POLICY.staggerMs,
    backoffBaseMs: DEFAULT_RETRY_POLICY.backoffBaseMs,
    ownerGraceMs: 600_000,
    claudeArgs: [],
    permissionModeOverride: null,
    allowBypass: false,
    maxResumesPerDay: 20,
    claudeConfigDir: '/home/u/.claude',
  })
  t.match(c.resumePrompt, /usage limit has reset.*Continue the task/, 'the resume prompt says what happened, not a bare "continue"')
  t.equal(CONFIG_DEFAULTS.resumeMarginSeconds * 1000, DEFAULT_RETRY_POLICY.marginMs, 'one source for the policy numbers')
})

const good: [string, Record<string, string>, Partial<Config>][] = [
  ['home, relative to cwd', { SESSION_RETRY_HOME: 'state' }, { home: '/work/state' }],
  ['port 0 picks a free one', { SESSION_RETRY_PORT: '0' }, { port: 0, healthPort: 0 }],
  ['health port apart', { SESSION_RETRY_PORT: '9000', SESSION_RETRY_HEALTH_PORT: '9001' }, { port: 9000, healthPort: 9001 }],
  ['booleans, any common spelling', { SESSION_RETRY_CLAUDE_INTEGRATION: 'no', SESSION_RETRY_ALLOW_BYPASS: 'Yes' }, { claudeIntegration: false, allowBypass: true }],
  ['maxAttempts 0: no automatic resume', { SESSION_RETRY_MAX_ATTEMPTS: '0' }, { maxAttempts: 0 }],
  ['seconds become milliseconds', { SESSION_RETRY_RESUME_MARGIN: '5', SESSION_RETRY_STAGGER: '0', SESSION_RETRY_BACKOFF_BASE: '1', SESSION_RETRY_OWNER_GRACE: '0', SESSION_RETRY_MONITOR_INTERVAL: '1' }, { resumeMarginMs: 5000, staggerMs: 0, backoffBaseMs: 1000, ownerGraceMs: 0, monitorIntervalMs: 1000 }],
  ['claude args as a JSON array', { SESSION_RETRY_CLAUDE_ARGS: '["--model","sonnet"]' }, { claudeArgs: ['--model', 'sonnet'] }],
  ['permission mode override', { SESSION_RETRY_PERMISSION_MODE: 'acceptEdits' }, { permissionModeOverride: 'acceptEdits' }],
  ['own prompt', { SESSION_RETRY_RESUME_PROMPT: 'go on' }, { resumePrompt: 'go on' }],
  ['log level, any case', { SESSION_RETRY_LOG_LEVEL: 'DEBUG' }, { logLevel: 'debug' }],
  ['Claude Code folder', { CLAUDE_CONFIG_DIR: '/etc/claude' }, { claudeConfigDir: '/etc/claude' }],
]
for (const [name, env, expected] of good) {
  t.test(name, async t => {
    t.match(load(env), expected)
  })
}

const bad: [Record<string, string>, RegExp][] = [
  [{ SESSION_RETRY_CLAUDE_INTEGRATION: 'maybe' }, /SESSION_RETRY_CLAUDE_INTEGRATION="maybe" is not a boolean/],
  [{ SESSION_RETRY_PORT: '70000' }, /SESSION_RETRY_PORT=70000 is out of range/],
  [{ SESSION_RETRY_PORT: '-1' }, /SESSION_RETRY_PORT="-1" is not a whole number/],
  [{ SESSION_RETRY_MAX_ATTEMPTS: '101' }, /SESSION_RETRY_MAX_ATTEMPTS=101 is out of range \(0 to 100\)/],
  [{ SESSION_RETRY_CLAUDE_ARGS: '--model sonnet' }, /SESSION_RETRY_CLAUDE_ARGS must be a JSON array/],
  [{ SESSION_RETRY_CLAUDE_ARGS: '[1,2]' }, /SESSION_RETRY_CLAUDE_ARGS must be a JSON array of strings/],
  [{ SESSION_RETRY_PERMISSION_MODE: 'yolo' }, /SESSION_RETRY_PERMISSION_MODE="yolo" must be one of default, .*bypassPermissions/],
  [{ SESSION_RETRY_LOG_LEVEL: 'loud' }, /SESSION_RETRY_LOG_LEVEL="loud"/],
]
for (const [env, message] of bad) {
  t.test(`refused: ${JSON.stringify(env)}`, async t => {
    let error: unknown = null
    try {
      load(env)
    } catch (e) {
      error = e
    }
    t.ok(error instanceof ConfigError, 'a ConfigError, which the CLI prints without a stack')
    t.match((error as Error | null)?.message, message)
  })
}

t.test('the hook switches are not configuration: the CLI runs with any value, as the hook does', async t => {
  t.doesNotThrow(() => load({ SESSION_RETRY_ENABLED: 'maybe', SESSION_RETRY_AUTOSTART: 'perhaps' }))
})
