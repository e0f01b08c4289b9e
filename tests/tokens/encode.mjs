// encode.mjs: make encodings.tsv, the reference token ids of many short
// texts, for tests/unit/tokenize.c.  Run once, offline, where the npm
// package mistral-tokenizer-js 1.0.0 is (see count.mjs):
//
//	MISTRAL_TOKENIZER=/tmp/tokjs/node_modules/mistral-tokenizer-js \
//	    node tests/tokens/encode.mjs > tests/tokens/encodings.tsv
//
// Each row: the text, escaped, a tab, and its tokens as
// encode(text, false, false) gives them (no BOS/EOS, no space put before
// the text), space-separated.  The text is bytes, decoded as count.mjs
// decodes a file (Buffer.toString('utf8'): U+FFFD for bytes that are not
// UTF-8).  In the escaped text, \\ is a backslash, \t \n \r are what they
// are in C, \xNN is the byte NN; every other byte stands for itself.
// Rows: edge cases, every line of corpus/* up to 200 bytes, then texts
// made by a seeded generator (the same on every run): words of the
// characters tokens are made of, bytes that are not UTF-8, runs of spaces
// and a few long texts that cross the encoder's window.
import { readdirSync, readFileSync } from 'fs'
import { join } from 'path'
import { pathToFileURL } from 'url'

const where = process.env.MISTRAL_TOKENIZER
const tok = where
	? (await import(pathToFileURL(join(where, JSON.parse(
		readFileSync(join(where, 'package.json'), 'utf8')).main)).href)).default
	: (await import('mistral-tokenizer-js')).default

const rows = new Map()
const add = (bytes) => {
	const buf = Buffer.from(bytes)
	const key = buf.toString('latin1')
	if (!rows.has(key))
		rows.set(key, buf)
}
const str = (s) => add(Buffer.from(s, 'utf8'))

// Edge cases.
for (const s of ['', ' ', '  ', '   ', ' '.repeat(15), ' '.repeat(16),
	' '.repeat(17), ' '.repeat(33), ' '.repeat(100), 'a', ' a', 'a ',
	' a ', '  a  ', 'hello world', ' hello', 'hello ', 'hello  world',
	'\n', '\n\n', ' \n', '\n ', 'a\nb', '\t', '\t\t', '\tx', 'a\r\nb',
	'\r\n', '\r', ';\r\n', '});\r\n', '0', '00', '123456789', '3.14159',
	'1,000,000', 'x1y2z3', '\u2581', '\u2581\u2581', '\u2581hello',
	'\u2581 \u2581', ' \u2581', 'a\u2581b', '\uFFFD', 'a\uFFFDb',
	'\uFFFD\uFFFD', '\u00e9', 'e\u0301', '\u4e2d\u6587', '\u{1F999}',
	'\u{1F999}\uA64A', '\uA64A\u{1F999}', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
	'\u{1F1EB}\u{1F1F7}', '\u2764\uFE0F', '\u007f', '\u0080', '\u07ff',
	'\u0800', '\uffff', '\u{10000}', '\u{10ffff}', '\ufeffBOM', '\u200b',
	'\u00a0', 'a\u00a0b', '\u3000', 'grabbed', ' grabbed',
	'           grabbed', 'ax\n####\nboo', '\u9547', '====', '----',
	'....', '****', '////', '\\\\', '"""', 'https://example.com/a?b=c',
	'foo_bar_baz', 'camelCaseIdentifier', 'ALLCAPS', 'Zürich', 'naïve',
	'Привет', 'مرحبا', 'שלום', 'नमस्ते', 'สวัสดี', '안녕하세요',
	'こんにちは', '你好', 'Ελληνικά'])
	str(s)
add([0])
add([0x41, 0, 0x42])
for (const b of [[0x80], [0xbf], [0xc0], [0xc1], [0xc2], [0xc0, 0xaf],
	[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xe2, 0x82],
	[0xe2, 0x82, 0x41], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
	[0xed, 0x9f, 0xbf], [0xef, 0xbf, 0xbd], [0xf0, 0x80, 0x80, 0x80],
	[0xf0, 0x8f, 0xbf, 0xbf], [0xf0, 0x9f, 0x98], [0xf0, 0x9f, 0x98, 0x80],
	[0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xf8],
	[0xfc], [0xfe], [0xff], [0xff, 0xfe], [0x61, 0xff, 0x62],
	[0x20, 0x80, 0x20], [0x68, 0x80, 0x69], [0xe2, 0x96, 0x81],
	[0xe2, 0x96], [0xe2, 0x96, 0x20]])
	add(b)

// Every line of the corpus up to 200 bytes.
const dir = new URL('./corpus/', import.meta.url)
for (const name of readdirSync(dir).sort()) {
	const buf = readFileSync(new URL(name, dir))
	let start = 0
	for (;;) {
		const i = buf.indexOf(10, start)
		const end = i < 0 ? buf.length : i
		if (end - start <= 200)
			add(buf.subarray(start, end))
		if (i < 0)
			break
		start = i + 1
	}
}

// Generated texts, from a seeded generator.
let seed = 20261201
const rand = (n) => {
	seed = (seed * 1103515245 + 12345) % 2147483648
	return Math.floor((seed / 2147483648) * n)
}
const pick = (a) => a[rand(a.length)]
// The characters found inside longer tokens, and some that are not.
const inner = Array.from(new Set(tok.vocabById.slice(259)
	.filter((s) => Array.from(s).length > 1).flatMap((s) => Array.from(s))))
	.map((c) => (c === '\u2581' ? ' ' : c))
const common = Array.from('etaoinshrdlu etaoin  ETAOIN.,;:-_()=\'"!?')
for (let i = 0; i < 400; i++) {
	const n = 1 + rand(i < 200 ? 12 : 60)
	let s = ''
	for (let k = 0; k < n; k++)
		s += rand(3) === 0 ? pick(inner) : pick(common)
	str(s)
}
for (let i = 0; i < 150; i++) {
	const n = 1 + rand(16)
	const b = []
	for (let k = 0; k < n; k++)
		b.push(rand(2) ? pick([0x20, 0x61, 0x0a, 0x80, 0xbf, 0xc2, 0xe0,
			0xed, 0xef, 0xf0, 0xf4, 0xff, 0xa0, 0x90, 0x8f]) : rand(256))
	add(b)
}
for (let n = 1; n <= 40; n++)
	str(' '.repeat(n) + pick(['x', 'the', 'return', '\n', '1', '', '{']))
for (let n = 1; n <= 20; n++)
	str(pick(['a', 'if', 'x = ']) + ' '.repeat(n) + pick(['b', '', '\n']))
const word = () => {
	let s = ''
	for (let k = 0, n = 1 + rand(10); k < n; k++)
		s += pick(Array.from('abcdefghijklmnopqrstuvwxyz'))
	return s
}
for (let i = 0; i < 60; i++) {
	let s = ''
	for (let k = 0, n = 1 + rand(12); k < n; k++)
		s += (k ? pick([' ', ' ', '  ', '\t', '\n', ', ', '. ']) : '') + word()
	str(s)
}

// Long texts, past the window of one segment (1024 characters, and the
// smaller windows tests/unit/tokenize.c tries).
const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/'
const long = (n, f) => {
	let s = ''
	while (s.length < n)
		s += f()
	return s.slice(0, n)
}
for (const n of [100, 500, 1100, 2500]) {
	str(' '.repeat(n))
	str(' '.repeat(n) + 'x')
	str('='.repeat(n))
	str('a'.repeat(n))
	str(long(n, () => pick(Array.from(b64))))
	str(long(n, () => pick(['ab', 'ba', 'aa', 'abc', 'bc'])))
	str(long(n, () => pick(['ha', 'lo', 'la', 'ol'])))
	str(long(n, () => pick(inner)))
	str(long(n, () => pick(['-', '=', '_', '*', '#', '.', ' ', '~'])))
}
str('x'.repeat(1023) + ' ' + 'y'.repeat(1025))
str(long(3000, () => word()))

const esc = (buf) => {
	const valid = Buffer.from(buf.toString('utf8'), 'utf8').equals(buf)
	let out = ''
	for (let i = 0; i < buf.length; i++) {
		const c = buf[i]
		if (c === 0x5c)
			out += '\\\\'
		else if (c === 0x09)
			out += '\\t'
		else if (c === 0x0a)
			out += '\\n'
		else if (c === 0x0d)
			out += '\\r'
		else if (c < 0x20 || c === 0x7f || (c >= 0x80 && !valid))
			out += '\\x' + c.toString(16).padStart(2, '0')
		else if (c >= 0x80) {
			// A whole character of valid UTF-8, as it is.
			let n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2
			out += buf.subarray(i, i + n).toString('utf8')
			i += n - 1
		} else
			out += String.fromCharCode(c)
	}
	return out
}

console.log('# encodings.tsv: made by encode.mjs; the text (escaped), a tab, its tokens')
for (const buf of rows.values()) {
	const ids = tok.encode(buf.toString('utf8'), false, false)
	console.log(`${esc(buf)}\t${ids.join(' ')}`)
}
