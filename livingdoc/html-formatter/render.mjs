// Cucumber's official HTML report of a run: node render.mjs reports/messages.ndjson out.html
// Streams each message of the NDJSON file into @cucumber/html-formatter's CucumberHtmlStream,
// which writes one self-contained page (its React app and the messages, inline).
import fs from 'node:fs'
import readline from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { CucumberHtmlStream } from '@cucumber/html-formatter'

const [input, output] = process.argv.slice(2)
if (!input || !output) {
  console.error('usage: node render.mjs MESSAGES.ndjson OUTPUT.html')
  process.exit(2)
}

async function* envelopes() {
  const lines = readline.createInterface({ input: fs.createReadStream(input, 'utf-8') })
  for await (const line of lines) {
    if (line.trim()) yield JSON.parse(line)
  }
}

await pipeline(
  Readable.from(envelopes(), { objectMode: true }),
  new CucumberHtmlStream(),
  fs.createWriteStream(output, 'utf-8')
)
