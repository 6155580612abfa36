// The fake Anthropic API lives in scripts/ because the demo (npm run demo) uses it too.
export * from '../../scripts/fake-anthropic-api.js'
