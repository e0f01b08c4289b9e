// vocab.mjs: write lib/tokvocab.h, lib/tokvocab.c and lib/tokvocab.LICENSE,
// the tables lib/tokenize.c reads, from the npm package mistral-tokenizer-js
// 1.0.0 (MIT), the reference of Mistral's tokenizer.  Run once, offline, by
// a maintainer; the build needs no Node.  From the top of the repository:
//
//	mkdir -p /tmp/tokjs && (cd /tmp/tokjs && npm install mistral-tokenizer-js@1.0.0)
//	MISTRAL_TOKENIZER=/tmp/tokjs/node_modules/mistral-tokenizer-js node tools/vocab.mjs
//
// MISTRAL_TOKENIZER names the package's directory; without it the package
// is imported by name, as node finds it.  The script checks every property
// of the data that lib/tokenize.c relies on, and stops when one fails.
//
// The package holds a vocabulary of 32000 strings (the id is the index) and
// an ordered list of merges, pairs of ids; the rank of a merge is its place
// in that list (the package has no scores).  Its encoder replaces each space
// by U+2581, maps each character to its one-character token, or to the
// tokens <0xNN> of its UTF-8 bytes when there is none, then merges the
// adjacent pair of lowest rank, leftmost first, until no pair merges.
import { readFileSync, writeFileSync } from 'fs'
import { join } from 'path'
import { pathToFileURL } from 'url'

const dir = process.env.MISTRAL_TOKENIZER
let tok, license, version
if (dir) {
	const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
	tok = (await import(pathToFileURL(join(dir, pkg.main)).href)).default
	version = pkg.version
	license = readFileSync(join(dir, 'LICENSE.md'), 'utf8')
} else {
	tok = (await import('mistral-tokenizer-js')).default
	const main = new URL(import.meta.resolve('mistral-tokenizer-js'))
	version = JSON.parse(readFileSync(new URL('package.json', main))).version
	license = readFileSync(new URL('LICENSE.md', main), 'utf8')
}
const out = new URL('../lib/', import.meta.url)

const fail = (msg) => {
	console.error(`vocab.mjs: ${msg}`)
	process.exit(1)
}
const check = (cond, msg) => cond || fail(msg)

check(version === '1.0.0', `mistral-tokenizer-js ${version}, not 1.0.0`)
const vocab = tok.vocabById
const ids = tok.vocabByString
const chars = (s) => Array.from(s)
check(vocab.length === 32000, `${vocab.length} tokens, not 32000`)
check(ids.size === vocab.length, 'a token string appears twice')
vocab.forEach((s, id) => {
	check(!s.includes(' '), `token ${id} has a space`)
	check(ids.get(s) === id, `token ${id} is not found by its string`)
})
const SPACE = ids.get('\u2581')
const FFFD = ids.get('\uFFFD')
check(SPACE !== undefined && FFFD !== undefined, 'no token for U+2581 or U+FFFD')
for (let b = 0; b < 256; b++) {
	const hex = b.toString(16).toUpperCase().padStart(2, '0')
	check(ids.get(`<0x${hex}>`) === 3 + b, `<0x${hex}> is not token ${3 + b}`)
}

// The merges, back from the package's map: "left right" -> 2 * rank + 1.
const merges = []
for (const [key, prio] of tok.merges) {
	const parts = key.split(' ')
	check(parts.length === 2, `merge '${key}' is not two tokens`)
	const [a, b] = parts.map((s) => ids.get(s))
	const result = ids.get(parts[0] + parts[1])
	check(a !== undefined && b !== undefined, `merge '${key}': no such token`)
	check(result !== undefined, `merge '${key}' makes no token`)
	check(a > 258 && b > 258, `merge '${key}' joins a special or byte token`)
	check(prio % 2 === 1, `merge '${key}' has priority ${prio}`)
	merges.push({ a, b, rank: (prio - 1) / 2, result })
}
check(merges.length < 65536, 'too many merges for 16-bit offsets')
check(new Set(merges.map((m) => m.rank)).size === merges.length,
	'two merges have one rank')

// Tokens of one character: the symbols the encoder starts from.  A space
// is looked up as U+2581, so the table maps U+0020 to that token too.
const single = new Map()
vocab.forEach((s, id) => {
	if (id > 258 && chars(s).length === 1)
		single.set(s.codePointAt(0), id)
})
check(!single.has(0x20), 'a token for the space itself')
single.set(0x20, SPACE)
const cpEnd = Math.max(...single.keys()) + 1

// Every token longer than one character is the result of a merge, no
// longer than MAXLEN characters, and made of characters that are tokens.
const results = new Set(merges.map((m) => m.result))
let maxlen = 0
const pairs = new Set()
const joined = new Set()
vocab.forEach((s, id) => {
	const c = chars(s)
	if (id <= 258 || c.length < 2)
		return
	check(results.has(id), `token ${id} is made by no merge`)
	maxlen = Math.max(maxlen, c.length)
	c.forEach((ch) => {
		check(single.has(ch.codePointAt(0)), `token ${id}: '${ch}' no token`)
		joined.add(single.get(ch.codePointAt(0)))
	})
	for (let i = 0; i + 1 < c.length; i++)
		pairs.add(`${ids.get(c[i])},${ids.get(c[i + 1])}`)
})
// The characters found inside longer tokens lie in one short run of ids:
// the table of which two may stand side by side in a token is a square
// bit matrix over that run.
const join0 = Math.min(...joined)
const joins = Math.max(...joined) - join0 + 1
check(joins <= 1024, `the joining characters span ${joins} ids`)
const pairBits = new Uint8Array(Math.ceil((joins * joins) / 8))
for (const p of pairs) {
	const [x, y] = p.split(',').map(Number)
	const bit = (x - join0) * joins + (y - join0)
	pairBits[bit >> 3] |= 1 << (bit & 7)
}
// U+2581 is found only in a run at the start of a token, so that a space
// after anything else is a place no token spans.  tokenize.c does not rely
// on it (the pair table says where tokens can span), but the speed does.
vocab.forEach((s, id) => {
	if (/[^\u2581]\u2581/u.test(s))
		console.error(`vocab.mjs: note: U+2581 inside token ${id}`)
})

// Characters -> tokens: a two-level table, pages of 1 << shift code
// points, the page of no character shared.  The shift is the one that
// makes the smallest tables.
let best
for (let shift = 4; shift <= 8; shift++) {
	const pages = new Map([['', 0]])
	const index = []
	const leaves = [new Array(1 << shift).fill(0)]
	const end = Math.ceil(cpEnd / (1 << shift)) << shift
	for (let base = 0; base < end; base += 1 << shift) {
		const leaf = []
		for (let i = 0; i < 1 << shift; i++)
			leaf.push(single.get(base + i) || 0)
		const key = leaf.some((x) => x) ? leaf.join(',') : ''
		if (!pages.has(key)) {
			pages.set(key, leaves.length)
			leaves.push(leaf)
		}
		index.push(pages.get(key))
	}
	const bytes = 2 * index.length + 2 * leaves.length * (1 << shift)
	if (!best || bytes < best.bytes)
		best = { shift, end, index, leaves, bytes }
}
check(best.leaves.length < 65536, 'too many pages')

// Merges by left token, then right token, for a binary search.
merges.sort((x, y) => x.a - y.a || x.b - y.b)
const first = new Array(vocab.length + 1).fill(0)
for (const m of merges)
	first[m.a + 1]++
for (let i = 0; i < vocab.length; i++)
	first[i + 1] += first[i]

// --- output ---------------------------------------------------------------

// The licence in the comments, its lines wrapped at 76 columns (the text
// as it is in lib/tokvocab.LICENSE).
const wrap = (line) => {
	const out = []
	let cur = ''
	for (const w of line.split(' ')) {
		if (cur && cur.length + 1 + w.length > 73) {
			out.push(cur)
			cur = w
		} else
			cur = cur ? `${cur} ${w}` : w
	}
	out.push(cur)
	return out
}
const notice = license.trim().split('\n').flatMap(wrap)
	.map((l) => ` * ${l}`.trimEnd())
const head = (what) => `/*
 * ${what}
 * Generated by tools/vocab.mjs from the npm package mistral-tokenizer-js
 * ${version}; do not edit.  The data is the package's, under its licence
 * (also in lib/tokvocab.LICENSE):
 *
${notice.join('\n')}
 */
`

// The numbers of an array, as many to a line as fit in 80 columns, each
// line starting with indent tabs.
const numbers = (values, indent) => {
	const lines = []
	let line = ''
	for (const v of values) {
		const item = `${v},`
		if (line && 8 * indent + line.length + 1 + item.length > 80) {
			lines.push(line)
			line = ''
		}
		line += (line ? ' ' : '') + item
	}
	if (line)
		lines.push(line)
	return lines.map((l) => '\t'.repeat(indent) + l).join('\n')
}
const array = (decl, values) => `${decl} = {\n${numbers(values, 1)}\n};\n`

const h = `${head('tokvocab.h: libms internal, not installed: the tables of Mistral\'s\n * tokenizer that lib/tokenize.c reads.')}
#ifndef TOKVOCAB_H
#define TOKVOCAB_H

#include <stddef.h>
#include <stdint.h>

/* Token ids run from 0 to MSI_TOK_VOCAB - 1. */
#define MSI_TOK_VOCAB ${vocab.length}
/* The byte NN falls back to the token <0xNN>, id MSI_TOK_BYTE0 + NN. */
#define MSI_TOK_BYTE0 3
/* U+2581, the token of a space. */
#define MSI_TOK_SPACE ${SPACE}
/* U+FFFD, what a byte that is not UTF-8 becomes. */
#define MSI_TOK_FFFD ${FFFD}
/* The most characters in one token. */
#define MSI_TOK_MAXLEN ${maxlen}
#define MSI_TOK_MERGES ${merges.length}

/*
 * The token of the one-character string of code point c, or 0 when there
 * is none (then the character falls back to the tokens of its bytes):
 * c < MSI_TOK_CPEND ? msi_tok_leaf[msi_tok_page[c >> MSI_TOK_SHIFT]]
 * [c & (MSI_TOK_PAGE - 1)] : 0.  The space is there as U+2581.
 */
#define MSI_TOK_CPEND ${best.end}
#define MSI_TOK_SHIFT ${best.shift}
#define MSI_TOK_PAGE ${1 << best.shift}
extern const uint16_t msi_tok_page[${best.index.length}];
extern const uint16_t msi_tok_leaf[${best.leaves.length}][MSI_TOK_PAGE];

/*
 * The characters found inside tokens of more than one character are the
 * tokens MSI_TOK_JOIN0 to MSI_TOK_JOIN0 + MSI_TOK_JOINS - 1.  Bit
 * (x - MSI_TOK_JOIN0) * MSI_TOK_JOINS + (y - MSI_TOK_JOIN0) of
 * msi_tok_pair, bit 0 the lowest of byte 0, is set when character y
 * follows character x somewhere inside a token: where it is not set, no
 * token spans the two, and no merge joins them.
 */
#define MSI_TOK_JOIN0 ${join0}
#define MSI_TOK_JOINS ${joins}
extern const uint8_t msi_tok_pair[${pairBits.length}];

/*
 * The merges whose left token is a are msi_tok_first[a] to
 * msi_tok_first[a + 1] - 1, sorted by their right token msi_tok_right[];
 * each has its rank (its place in the package's list: the lower merges
 * first) and the token it makes.
 */
extern const uint16_t msi_tok_first[MSI_TOK_VOCAB + 1];
extern const uint16_t msi_tok_right[MSI_TOK_MERGES];
extern const uint16_t msi_tok_rank[MSI_TOK_MERGES];
extern const uint16_t msi_tok_result[MSI_TOK_MERGES];

/* The bytes of all these tables. */
extern const size_t msi_tok_bytes;

#endif
`

const c = `${head('tokvocab.c: the tables of Mistral\'s tokenizer; see tokvocab.h.')}
#include "tokvocab.h"

${array('const uint16_t msi_tok_page[]', best.index)}
const uint16_t msi_tok_leaf[][MSI_TOK_PAGE] = {
${best.leaves.map((l) => `\t{\n${numbers(l, 2)}\n\t},`).join('\n')}
};

${array('const uint8_t msi_tok_pair[]', pairBits)}
${array('const uint16_t msi_tok_first[]', first)}
${array('const uint16_t msi_tok_right[]', merges.map((m) => m.b))}
${array('const uint16_t msi_tok_rank[]', merges.map((m) => m.rank))}
${array('const uint16_t msi_tok_result[]', merges.map((m) => m.result))}
const size_t msi_tok_bytes = sizeof(msi_tok_page) + sizeof(msi_tok_leaf) +
    sizeof(msi_tok_pair) + sizeof(msi_tok_first) + sizeof(msi_tok_right) +
    sizeof(msi_tok_rank) + sizeof(msi_tok_result);
`

writeFileSync(new URL('tokvocab.h', out), h)
writeFileSync(new URL('tokvocab.c', out), c)
writeFileSync(new URL('tokvocab.LICENSE', out), license)
console.error(`vocab.mjs: ${merges.length} merges, ${single.size} characters ` +
	`(pages of ${1 << best.shift}), ${joins} joining, longest token ${maxlen}`)
