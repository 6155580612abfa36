// SESSION_RETRY_COMETA_URL, SESSION_RETRY_NOTIFY, SESSION_RETRY_NOTIFY_URL: everything off by
// default, and every bad value is a ConfigError whose message names the variable.
import t from 'tap'
import { ConfigError } from '../../src/config/load-config.js'
import { DEVFLOW_COMETA_ORIGIN, loadIntegrationsConfig, type IntegrationsConfig } from '../../src/integrations/integrations-config.js'

const OFF = { desktop: false, webhook: false, webhookUrl: null }

t.test('valid environments', async t => {
  const cases: [Record<string, string>, IntegrationsConfig][] = [
    [{}, { cometaUrl: null, notify: OFF }],
    [{ SESSION_RETRY_COMETA_URL: '', SESSION_RETRY_NOTIFY: '' }, { cometaUrl: null, notify: OFF }],
    [{ SESSION_RETRY_NOTIFY: 'off' }, { cometaUrl: null, notify: OFF }],
    [{ SESSION_RETRY_NOTIFY: ' OFF ' }, { cometaUrl: null, notify: OFF }],
    [{ SESSION_RETRY_COMETA_URL: DEVFLOW_COMETA_ORIGIN }, { cometaUrl: 'http://localhost:3007', notify: OFF }],
    [{ SESSION_RETRY_COMETA_URL: ' https://cometa.example/api/x?k=1 ' }, { cometaUrl: 'https://cometa.example/api/x?k=1', notify: OFF }],
    [{ SESSION_RETRY_NOTIFY: 'desktop' }, { cometaUrl: null, notify: { ...OFF, desktop: true } }],
    [
      { SESSION_RETRY_NOTIFY: 'Webhook, desktop,webhook', SESSION_RETRY_NOTIFY_URL: 'https://ntfy.sh/topic' },
      { cometaUrl: null, notify: { desktop: true, webhook: true, webhookUrl: 'https://ntfy.sh/topic' } },
    ],
    // A URL without webhook on is kept (start-integrations warns about it), not an error.
    [{ SESSION_RETRY_NOTIFY_URL: 'http://127.0.0.1:8080/t' }, { cometaUrl: null, notify: { ...OFF, webhookUrl: 'http://127.0.0.1:8080/t' } }],
  ]
  for (const [env, expected] of cases) t.same(loadIntegrationsConfig(env), expected, JSON.stringify(env))
})

t.test('bad values name their variable', async t => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SESSION_RETRY_COMETA_URL: 'localhost:3007' }, /^SESSION_RETRY_COMETA_URL="localhost:3007" must be an http:\/\/ or https:\/\/ URL/],
    [{ SESSION_RETRY_COMETA_URL: 'not a url' }, /^SESSION_RETRY_COMETA_URL="not a url" is not a URL \(e\.g\. http:\/\/localhost:3007/],
    [{ SESSION_RETRY_COMETA_URL: 'ftp://cometa/x' }, /^SESSION_RETRY_COMETA_URL=.* must be an http/],
    [{ SESSION_RETRY_COMETA_URL: 'http://me:secret@cometa/x' }, /^SESSION_RETRY_COMETA_URL must not contain user:password@/],
    [{ SESSION_RETRY_NOTIFY: 'email' }, /^SESSION_RETRY_NOTIFY="email" must be off, or a comma list of desktop, webhook/],
    [{ SESSION_RETRY_NOTIFY: 'off,desktop' }, /^SESSION_RETRY_NOTIFY=/],
    [{ SESSION_RETRY_NOTIFY: 'desktop,,' }, /^SESSION_RETRY_NOTIFY=/],
    [{ SESSION_RETRY_NOTIFY: 'webhook' }, /^SESSION_RETRY_NOTIFY_URL is required when SESSION_RETRY_NOTIFY includes webhook/],
    [{ SESSION_RETRY_NOTIFY: 'webhook', SESSION_RETRY_NOTIFY_URL: ' ' }, /^SESSION_RETRY_NOTIFY_URL is required/],
    [{ SESSION_RETRY_NOTIFY: 'webhook', SESSION_RETRY_NOTIFY_URL: 'ntfy.sh/topic' }, /^SESSION_RETRY_NOTIFY_URL="ntfy\.sh\/topic" is not a URL/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadIntegrationsConfig(env), message, JSON.stringify(env))
    let error: unknown
    try {
      loadIntegrationsConfig(env)
    } catch (e) {
      error = e
    }
    t.ok(error instanceof ConfigError, 'a ConfigError: the CLI exits 2 on it')
  }
})

t.test('the secret in a URL with credentials is not echoed', async t => {
  t.throws(() => loadIntegrationsConfig({ SESSION_RETRY_NOTIFY_URL: 'ftp://me:hunter2@ntfy/x' }), { message: /^(?!.*hunter2)/ })
})
