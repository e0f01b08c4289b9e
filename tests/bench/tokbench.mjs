// tokbench.mjs: the reference's speed for the tokens row of make bench:
// mistral-tokenizer-js counting the text tokbench counts, line by line.
// Usage: MISTRAL_TOKENIZER=DIR node tokbench.mjs MB FILE...
// (DIR: the package's directory, as for tests/tokens/count.mjs.)
// Prints "BYTES TOKENS SECONDS BYTES_PER_SECOND", CPU time of the process.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const dir = process.env.MISTRAL_TOKENIZER
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
const tok = (await import(pathToFileURL(join(dir, pkg.main)).href)).default

const [mb, ...files] = process.argv.slice(2)
const corpus = Buffer.concat(files.map((f) => readFileSync(f)))
const n = Number(mb) * 1048576
const buf = Buffer.alloc(n)
for (let i = 0; i < n; i += corpus.length)
	corpus.copy(buf, i, 0, Math.min(corpus.length, n - i))
const lines = []
for (let start = 0; start <= n;) {
	let i = buf.indexOf(10, start)
	if (i < 0)
		i = n
	lines.push(buf.subarray(start, i).toString('utf8'))
	start = i + 1
}
const t0 = process.cpuUsage()
let tokens = 0
for (const line of lines)
	tokens += tok.encode(line, false, false).length
const t = process.cpuUsage(t0)
const secs = (t.user + t.system) / 1e6
console.log(`${n} ${tokens} ${secs.toFixed(6)} ${(n / secs).toFixed(0)}`)
