#!/usr/bin/env node
// The `session-retry` executable. The status line runs after every turn, so `session-retry
// statusline` goes straight to its single-file bundle (node: built-ins only) instead of loading
// the whole CLI; every other command loads the CLI.
'use strict'
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')

const dist = join(__dirname, '..', 'dist')
if (process.argv[2] === 'statusline') {
  require(join(dist, 'hooks', 'statusline.cjs'))
} else {
  import(pathToFileURL(join(dist, 'src', 'cli', 'main.js')).href).then(
    cli => cli.runAsProcess(process.argv.slice(2)),
    error => {
      process.stderr.write(`session-retry: cannot load the CLI (was it built? npm run build): ${error.message}\n`)
      process.exitCode = 1
    },
  )
}
