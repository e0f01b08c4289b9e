// count.mjs: make counts.tsv, the reference token counts of corpus/*.
// Run once, offline, where the npm package mistral-tokenizer-js is
// installed (npm install mistral-tokenizer-js): node count.mjs > counts.tsv
// When node would not find it from here, MISTRAL_TOKENIZER names the
// package's directory:
//
//	mkdir -p /tmp/tokjs && (cd /tmp/tokjs && npm install mistral-tokenizer-js@1.0.0)
//	MISTRAL_TOKENIZER=/tmp/tokjs/node_modules/mistral-tokenizer-js \
//	    node tests/tokens/count.mjs > tests/tokens/counts.tsv
//
// Each row: file, byte offset, byte length, tokens (no BOS/EOS), for the
// whole file, each paragraph and each line.  The bytes are decoded as
// UTF-8 by Buffer.toString, which makes each invalid sequence U+FFFD.
import { readdirSync, readFileSync } from 'fs'
import { join } from 'path'
import { pathToFileURL } from 'url'

const where = process.env.MISTRAL_TOKENIZER
const mistralTokenizer = where
	? (await import(pathToFileURL(join(where, JSON.parse(
		readFileSync(join(where, 'package.json'), 'utf8')).main)).href)).default
	: (await import('mistral-tokenizer-js')).default

const dir = new URL('./corpus/', import.meta.url)
console.log('# file\toffset\tlength\ttokens')
for (const name of readdirSync(dir).sort()) {
	const buf = readFileSync(new URL(name, dir))
	const pieces = new Map()
	const add = (start, end) => {
		if (end > start)
			pieces.set(`${start}:${end}`, [start, end])
	}
	add(0, buf.length)
	for (const sep of ['\n\n', '\n']) {
		let start = 0
		for (;;) {
			const i = buf.indexOf(sep, start)
			const end = i < 0 ? buf.length : i
			add(start, end)
			if (i < 0)
				break
			start = i + sep.length
		}
	}
	for (const [start, end] of pieces.values()) {
		const text = buf.subarray(start, end).toString('utf8')
		const n = mistralTokenizer.encode(text, false, false).length
		console.log(`${name}\t${start}\t${end - start}\t${n}`)
	}
}
