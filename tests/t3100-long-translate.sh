#!/bin/sh
# t3100-long-translate.sh: mtranslate on input too long for one request (SPEC 5): chunks at paragraph ends, -j requests at once, output in input order byte for byte, answers cut for length redone, failures leave a prefix of whole chunks, -n, -k.

test_description='mtranslate cuts long input into chunks and puts the translations back in order'
. "$(dirname "$0")/lib.sh"

# The chunking these tests check (bytes under 4 a token of room, request
# counts) is the conservative estimate's: t0014 covers exact counts.
mkdir -p "$XDG_CONFIG_HOME/ms" &&
printf '[profile openrouter]\ntokenizer = estimate\n' \
	>"$XDG_CONFIG_HOME/ms/config" || exit 1

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# tr_ ARG...: mtranslate to German against the current mock, no retries,
# a context of 2000 tokens (chunks of at most about 1000).
tr_ () {
	mtranslate --retries 0 --base-url "$MOCK_URL" --context 2000 "$@"
}

# long.py: generates the documents and looks at what the mock received.
cat >"$TRASH_DIRECTORY/long.py" <<'EOF'
import json
import random
import sys

WORDS = {
    "en": "the quick brown fox jumps over lazy dog while engineers ship "
          "code and write tests for every release".split(),
    "fr": "été façon où déjà garçon naïve crème brûlée élève hôtel forêt "
          "château".split(),
    "de": "straße größe müßig über äpfel öl grüße fußball".split(),
    "ru": "привет мир большой текст перевод страница данные".split(),
    "el": "καλημέρα κόσμε μεγάλο κείμενο μετάφραση σελίδα".split(),
    "ja": ["日本語の文章", "翻訳します", "東京都", "ひらがな", "カタカナ"],
    "zh": ["中文文本", "翻译", "北京", "数据"],
    "ar": "مرحبا بالعالم نص كبير ترجمة".split(),
    "emoji": ["🙂", "🚀", "👍🏽", "🇫🇷"],
}


def doc(size, seed=1, crlf_every=5, fences=True, fence_free=0, ascii=False):
    """Markdown of about size bytes: headings, paragraphs in several
    scripts, lists, quotes, ``` and ~~~ fences (not in the first
    fence_free bytes) with blank lines inside, runs of blank lines, blank
    lines with spaces; every crlf_every-th section has CRLF line ends
    (1: all of them, 0: none); ascii: English words only."""
    r = random.Random(seed)
    langs = ["en"] if ascii else list(WORDS)
    out, n, sec = [], 0, 0
    while n < size:
        sec += 1
        p = ["#" * r.randint(1, 3) + " Section %d %s\n\n"
             % (sec, r.choice(WORDS["fr"]))]
        for _ in range(r.randint(1, 5)):
            kind = r.random()
            if kind < 0.5:
                lang = r.choice(langs)
                end = "。" if lang in ("ja", "zh") else "."
                lines, cur = [], ""
                for _ in range(r.randint(1, 6)):
                    s = " ".join(r.choice(WORDS[lang])
                                 for _ in range(r.randint(3, 14)))
                    cur += (" " if cur else "") + s + r.choice([end, "!", "?"])
                    if r.random() < 0.3:
                        lines.append(cur)
                        cur = ""
                if cur:
                    lines.append(cur)
                p.append("\n".join(lines) + "\n")
            elif kind < 0.7:
                for i in range(r.randint(2, 6)):
                    p.append(r.choice(["- ", "* ", "%d. " % (i + 1), "  - "])
                             + " ".join(r.choice(WORDS[r.choice(langs)])
                                        for _ in range(r.randint(2, 8)))
                             + "\n")
            elif kind < 0.85 and fences and n >= fence_free:
                f = r.choice(["```", "~~~"])
                p.append(f + r.choice(["", "python", "c", "sh"]) + "\n")
                for i in range(r.randint(1, 15)):
                    p.append("    " * r.randint(0, 2)
                             + "x_%d = call(%d)  # été\n" % (i, i))
                    if r.random() < 0.2:
                        p.append("\n\n")
                p.append(f + "\n")
            else:
                p.append("> quoted " + " ".join(r.choice(WORDS["en"])
                                                for _ in range(8)) + "\n")
            p.append("\n" * r.choice([1, 1, 1, 2, 3])
                     + r.choice(["", "", "   \n", "\t\n"]))
        s = "".join(p)
        if crlf_every and sec % crlf_every == 0:
            s = s.replace("\n", "\r\n")
        out.append(s)
        n += len(s.encode())
    s = "".join(out)
    return s.replace("été", "ete") if ascii else s


def user_messages(log):
    """The last user message of every request, in order of arrival."""
    out = []
    for line in open(log, encoding="utf-8"):
        e = json.loads(line)
        out.append(e["body"]["messages"][-1]["content"])
    return out


def lf(s):
    return s.replace("\r\n", "\n")


def para_starts(s):
    """Offsets where a paragraph starts: a line that is not blank after a
    blank line, outside fenced code."""
    starts, pos, fence, prev_blank = set(), 0, False, False
    for line in s.splitlines(keepends=True):
        blank = line.strip() == ""
        if not blank and prev_blank and not fence:
            starts.add(pos)
        if line.lstrip(" ")[:3] in ("```", "~~~") and \
                len(line) - len(line.lstrip(" ")) <= 3:
            fence = not fence
        prev_blank = blank and not fence
        pos += len(line)
    return starts


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        # gen SIZE SEED OUT EXPECT [lead] [nonl] [ascii] [crlf=N]
        #     [fence_free=N]
        size, seed, out, expect = sys.argv[2:6]
        opts = sys.argv[6:]
        kw = {}
        for o in opts:
            if o.startswith("crlf="):
                kw["crlf_every"] = int(o[5:])
            if o.startswith("fence_free="):
                kw["fence_free"] = int(o[11:])
            if o == "ascii":
                kw["ascii"] = True
        d = doc(int(size), int(seed), **kw)
        if "lead" in opts:
            d = "\n\n  \n" + d
        if "nonl" in opts:
            d = d.rstrip("\r\n \t")
        open(out, "wb").write(d.encode())
        open(expect, "wb").write(d.upper().encode())
    elif cmd == "fit":
        # fit LOG MAXBYTES: every user message is shorter than MAXBYTES
        # bytes, starts a paragraph of INPUT and holds whole fences.
        log, maxb, inp = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        text = lf(open(inp, "rb").read().decode())
        starts = para_starts(text)
        bad = 0
        for i, m in enumerate(user_messages(log), 1):
            b = len(m.encode())
            if b >= maxb:
                print(f"request {i}: {b} bytes >= {maxb}")
                bad += 1
            m = lf(m)
            fl = sum(1 for l in m.split("\n")
                     if l.lstrip(" ")[:3] in ("```", "~~~"))
            if fl % 2:
                print(f"request {i}: {fl} fence lines, a fence is cut")
                bad += 1
            at, found = text.find(m), False
            while at != -1:
                if at == 0 or at in starts:
                    found = True
                    break
                at = text.find(m, at + 1)
            if not found:
                print(f"request {i}: not a paragraph start of the input:"
                      f" {m[:60]!r}")
                bad += 1
        sys.exit(1 if bad else 0)
    elif cmd == "maxbytes":
        print(max(len(m.encode()) for m in user_messages(sys.argv[2])))
    elif cmd == "prefix":
        # prefix EXPECT OUT LOG: OUT is EXPECT up to the start of a chunk
        # (the upper-cased start of a request's text), or empty.
        exp = open(sys.argv[2], "rb").read().decode()
        out = open(sys.argv[3], "rb").read().decode(errors="replace")
        if not exp.startswith(out):
            n = next((i for i in range(min(len(exp), len(out)))
                      if exp[i] != out[i]), min(len(exp), len(out)))
            print(f"not a prefix: differs at {n} of {len(out)}")
            print(f"expected {exp[n:n + 60]!r}\n     got {out[n:n + 60]!r}")
            sys.exit(1)
        if out == "" or out == exp:
            sys.exit(0)
        rest = lf(exp[len(out):])
        for m in user_messages(sys.argv[4]):
            first = lf(m).upper().split("\n")[0]
            if first and rest.startswith(first):
                sys.exit(0)
        print(f"the output ({len(out)} of {len(exp)} characters) stops "
              f"inside a chunk, before {rest[:60]!r}")
        sys.exit(1)
    elif cmd == "parts":
        # parts LOG N: the text of request N is what the requests right
        # after it carry, blanks aside (it was cut and redone).
        msgs = user_messages(sys.argv[2])
        n = int(sys.argv[3])
        want = "".join(lf(msgs[n - 1]).split())
        got, k = "", n
        while len(got) < len(want) and k < len(msgs):
            got += "".join(lf(msgs[k]).split())
            k += 1
        if got != want or k - n < 2:
            print(f"request {n} was not redone in parts: {k - n} requests")
            sys.exit(1)
    elif cmd == "count":
        print(len(user_messages(sys.argv[2])))

main()
EOF

# long ARG...: run long.py.
long () {
	"$PYTHON" "$TRASH_DIRECTORY/long.py" "$@"
}

# A document of 2 MB, a small one of about 30 chunks, smaller ones of
# about 15, 10 and 3 chunks.
(cd "$TRASH_DIRECTORY" &&
	long gen 2000000 1 doc.md doc.up &&
	long gen 60000 2 small.md small.up &&
	long gen 30000 9 part.md part.up &&
	long gen 10000 10 ten.md ten.up &&
	long gen 2500 6 three.md three.up) || exit 1

test_expect_success 'a 2 MB document comes back byte for byte (-j 8)' '
	mock_start echo-upper &&
	tr_ -j 8 de doc.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp doc.up out &&
	test "$(mock_count)" -ge 500 &&
	test "$(mock_max_inflight)" -le 8 &&
	cp "$MOCK_LOG" doc.log
'

# The budget is under (2000 - the prompt) / 2 tokens, and no token of
# this text takes 4 bytes.
test_expect_success 'every request fits, starts a paragraph and keeps fences whole' '
	long fit doc.log 4000 doc.md
'

test_expect_success 'the same from stdin' '
	mock_start echo-upper &&
	tr_ -j 8 de <small.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp small.up out &&
	test "$(mock_count)" -ge 20
'

test_expect_success 'leading blank lines, no final newline' '
	long gen 300000 3 lead.md lead.up lead nonl &&
	mock_start echo-upper &&
	tr_ -j 8 de <lead.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp lead.up out &&
	test "$(tail -c 1 out)" != ""
'

test_expect_success 'CRLF throughout comes back CRLF' '
	long gen 200000 4 crlf.md crlf.up crlf=1 &&
	mock_start echo-upper &&
	tr_ -j 8 de <crlf.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp crlf.up out &&
	long fit "$MOCK_LOG" 4000 crlf.md &&
	long count "$MOCK_LOG" >n &&
	test "$(cat n)" -ge 50 &&
	"$PYTHON" -c "
import json, sys
for line in open(sys.argv[1], encoding=\"utf-8\"):
    m = json.loads(line)[\"body\"][\"messages\"][-1][\"content\"]
    assert \"\\r\" not in m, \"a CR was sent: \" + repr(m[:80])
" "$MOCK_LOG"
'

test_expect_success 'fences that appear only after the first 200 KB stay' '
	long gen 300000 5 late.md late.up fence_free=200000 &&
	grep -q "^\`\`\`" late.md &&
	! head -c 200000 late.md | grep -q "\`\`\`" &&
	mock_start echo-upper &&
	tr_ -j 8 de <late.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp late.up out
'

test_expect_success '-j 8 has 8 requests in flight' '
	mock_start echo-slow &&
	tr_ -j 8 de <ten.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp ten.md out &&
	test "$(mock_count)" -ge 9 &&
	test "$(mock_max_inflight)" = 8
'

test_expect_success '-j 1 has one request in flight' '
	mock_start echo-slow &&
	tr_ -j 1 de <three.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp three.md out &&
	test "$(mock_count)" -ge 3 &&
	test "$(mock_max_inflight)" = 1
'

test_expect_success 'without -j, 4 requests in flight' '
	mock_start echo-slow &&
	tr_ de <ten.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp ten.md out &&
	test "$(mock_count)" -ge 5 &&
	test "$(mock_max_inflight)" = 4
'

test_expect_success 'an answer cut for length is redone in parts, nothing lost (-j 1)' '
	mock_start t3-long-cut-2nd &&
	tr_ -j 1 de <small.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp small.up out &&
	! grep -q "CUT SHORT" out &&
	long parts "$MOCK_LOG" 2 &&
	test "$(mock_max_inflight)" = 1
'

test_expect_success 'an answer cut for length is redone in parts, nothing lost (-j 4)' '
	mock_start t3-long-cut-2nd &&
	tr_ -j 4 de <small.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp small.up out &&
	! grep -q "CUT SHORT" out
'

test_expect_success 'the streamed first chunk cut for length fails with a hint; --no-stream redoes it' '
	mock_start t3-long-cut-1st &&
	test_status 69 tr_ -j 1 de <small.md >out 2>err &&
	test_grep "^mtranslate: .*finish_reason \"length\"" err &&
	test_grep -e "--no-stream" err &&
	test_line_count = 1 err &&
	mock_start t3-long-cut-1st &&
	tr_ -j 1 --no-stream de <small.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp small.up out &&
	! grep -q "CUT SHORT" out
'

test_expect_success 'answers always cut for length: exit 69, a clear message, no partial chunk' '
	mock_start echo-length &&
	test_status 69 tr_ -j 2 --no-stream de <small.md >out 2>err &&
	test_grep "^mtranslate: .*finish_reason \"length\".*cannot be cut smaller" err &&
	test_line_count = 1 err &&
	long prefix small.up out "$MOCK_LOG"
'

test_expect_success 'a chunk failing with 503: exit 69, the chunks before it are out, whole (-j 1)' '
	mock_start t3-long-fail-3rd &&
	test_status 69 tr_ -j 1 de <small.md >out 2>err &&
	test_grep "^mtranslate: HTTP 503 .*upstream overloaded (mock 503)" err &&
	test_line_count = 1 err &&
	test "$(mock_count)" = 3 &&
	test -s out &&
	long prefix small.up out "$MOCK_LOG" &&
	mock_req_raw 3 body.messages.1.content >third &&
	"$PYTHON" -c "
import sys
out = open(\"out\", \"rb\").read().decode()
exp = open(\"small.up\", \"rb\").read().decode()
third = open(\"third\", \"rb\").read().decode().upper()
rest = exp[len(out):].replace(\"\\r\\n\", \"\\n\")
sys.exit(0 if rest.startswith(third.split(\"\\n\")[0]) else 1)
"
'

test_expect_success 'a chunk failing with 503 under --no-stream -j 8: a prefix of whole chunks' '
	mock_start t3-long-fail-3rd &&
	test_status 69 tr_ -j 8 --no-stream de <small.md >out 2>err &&
	test_grep "^mtranslate: HTTP 503 " err &&
	long prefix small.up out "$MOCK_LOG"
'

test_expect_success 'a later chunk failing while the first streams: the first is still whole' '
	mock_start t3-long-slow-first &&
	test_status 69 tr_ -j 4 de <small.md >out 2>err &&
	test_grep "^mtranslate: HTTP 503 " err &&
	long prefix small.up out "$MOCK_LOG"
'

test_expect_success '-k on a failing long job gives back the input byte for byte (-j 1)' '
	mock_start t3-long-fail-3rd &&
	test_status 69 tr_ -k -j 1 de <small.md >out 2>err &&
	test_grep "^mtranslate: HTTP 503 " err &&
	cmp small.md out
'

test_expect_success '-k on a failing long job gives back the input byte for byte (-j 8)' '
	mock_start t3-long-fail-3rd &&
	test_status 69 tr_ -k -j 8 de <small.md >out 2>err &&
	cmp small.md out
'

test_expect_success '-k on a long job that succeeds prints the translation' '
	mock_start echo-upper &&
	tr_ -k -j 8 de <small.md >out 2>err &&
	test_cmp /dev/null err &&
	cmp small.up out
'

test_expect_success 'progress on a terminal, cleared at the end; none with -q' '
	mock_start echo-upper &&
	test_pty tty mtranslate --retries 0 --base-url "$MOCK_URL" --context 2000 \
		-j 4 de part.md >tty &&
	cmp part.up out &&
	test_grep "^status 0$" tty &&
	test_grep "^cleared$" tty &&
	test_grep "mtranslate: [0-9]*/[0-9]*+* chunks" tty &&
	test_pty tty mtranslate --retries 0 --base-url "$MOCK_URL" --context 2000 \
		-q -j 4 de part.md >tty &&
	cmp part.up out &&
	test_grep "^status 0$" tty &&
	test_grep -v "chunks" tty
'

test_expect_success 'on a terminal the progress does not mix with the translation' '
	long gen 20000 8 ascii.md ascii.up ascii crlf=0 &&
	mock_start echo-slow &&
	test_pty screen mtranslate --retries 0 --base-url "$MOCK_URL" \
		--context 2000 -j 4 de ascii.md >screen &&
	"$PYTHON" -c "
lines = [l.rstrip() for l in open(\"ascii.md\").read().split(\"\\n\")]
while lines and lines[-1] == \"\":
    lines.pop()
print(\"status 0\")
for l in lines:
    print(l)
" >expect &&
	test_cmp expect screen
'

test_expect_success '-n: one JSON object a line, one per chunk, nothing sent, no key needed' '
	mock_start echo-upper &&
	tr_ -j 8 de <small.md >out 2>err &&
	n=$(mock_count) &&
	mock_start echo-upper &&
	env -u OPENROUTER_API_KEY mtranslate --base-url "$MOCK_URL" \
		--context 2000 -n de <small.md >dry 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0 &&
	test_line_count = "$n" dry &&
	"$PYTHON" -c "
import json, sys
for line in open(\"dry\", encoding=\"utf-8\"):
    b = json.loads(line)
    assert b[\"messages\"][0][\"role\"] == \"system\", b
    assert b[\"messages\"][-1][\"role\"] == \"user\", b
    assert \"German\" in b[\"messages\"][0][\"content\"], b
"
'

test_expect_success '-n shows the same texts the real run sends' '
	mock_start echo-upper &&
	tr_ -j 8 de <small.md >out 2>err &&
	tr_ -n de <small.md >dry 2>err &&
	"$PYTHON" -c "
import json, sys
dry = sorted(json.loads(l)[\"messages\"][-1][\"content\"] for l in open(\"dry\", encoding=\"utf-8\"))
sent = sorted(json.loads(l)[\"body\"][\"messages\"][-1][\"content\"] for l in open(sys.argv[1], encoding=\"utf-8\"))
sys.exit(0 if dry == sent else 1)
" "$MOCK_LOG"
'

test_expect_success '-u totals the usage of every chunk' '
	mock_start echo-usage &&
	tr_ -u -j 8 de <small.md >out 2>err &&
	cmp small.md out &&
	n=$(mock_count) &&
	test "$n" -ge 20 &&
	"$PYTHON" -c "
import sys
n = int(sys.argv[1])
cost = 0.0
for _ in range(n):
    cost += 4e-05
print(\"mtranslate: usage: %d tokens in, %d out, %d requests, \$%.6f\"
      % (100 * n, 50 * n, n, cost))
" "$n" >expect &&
	test_cmp expect err
'

test_done
