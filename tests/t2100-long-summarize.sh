#!/bin/sh
# t2100-long-summarize.sh: msummarize on input too long for one request (SPEC 5): map requests that fit, reduce passes, one final request with the user's options, -n, -u, progress, files in order.

test_description='msummarize summarizes the parts of a long input, then the summaries'
. "$(dirname "$0")/lib.sh"

# The chunking these tests check (bytes under 4 a token of room, request
# counts) is the conservative estimate's: t0014 covers exact counts.
mkdir -p "$XDG_CONFIG_HOME/ms" &&
printf '[profile openrouter]\ntokenizer = estimate\n' \
	>"$XDG_CONFIG_HOME/ms/config" || exit 1

OPENROUTER_API_KEY=sk-test
export OPENROUTER_API_KEY

# summ ARG...: msummarize against the current mock, with no retries.
summ () {
	msummarize --retries 0 --base-url "$MOCK_URL" "$@"
}

# long.py: generates documents and sorts the requests the mock received.
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

PART = "You condense one part"
FINAL = "You write summaries"


def doc(size, seed=1):
    """Markdown of about size bytes: headings, paragraphs in several
    scripts, lists, fences, blank-line runs, every fifth section CRLF."""
    r = random.Random(seed)
    langs = list(WORDS)
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
            elif kind < 0.85:
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
        if sec % 5 == 0:
            s = s.replace("\n", "\r\n")
        out.append(s)
        n += len(s.encode())
    return "".join(out)


def requests(log):
    """(kind, system, user) of every request, in order of arrival; kind is
    map (a part of the input), reduce (a part made of summaries), final,
    or ? (neither template)."""
    out = []
    for line in open(log, encoding="utf-8"):
        m = json.loads(line)["body"]["messages"]
        sys_, user = m[0]["content"], m[-1]["content"]
        if PART in sys_:
            inner = between(user, "<part>\n", "\n</part>")
            kind = "reduce" if is_summaries(inner) else "map"
        elif FINAL in sys_:
            kind = "final"
        else:
            kind = "?"
        out.append((kind, sys_, user))
    return out


def between(s, a, b):
    i = s.index(a) + len(a)
    return s[i:s.rindex(b)]


def is_summaries(s):
    """Only answers of the mock, "Short summary." or "Summary of part N."
    or "Final summary.", with blank lines between."""
    items = [x for x in s.split("\n\n")]
    return all(x.strip().endswith("ummary.") or
               x.strip().startswith("Summary of part") for x in items)


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        size, seed, out = sys.argv[2:5]
        open(out, "wb").write(doc(int(size), int(seed)).encode())
    elif cmd == "kinds":
        # kinds LOG: how many requests of each kind, in a fixed order.
        reqs = requests(sys.argv[2])
        for k in ("map", "reduce", "final", "?"):
            print(k, sum(1 for r in reqs if r[0] == k))
    elif cmd == "check":
        # check LOG CONTEXT INPUT: the map requests fit (bytes under 4 a
        # token of room), carry the input in order with nothing lost; the
        # reduce requests pass on every partial summary; one final request,
        # the last.
        reqs = requests(sys.argv[2])
        room = 4 * (int(sys.argv[3]) - 1024)
        text = open(sys.argv[4], "rb").read().decode()
        bad = []
        maps = [r for r in reqs if r[0] == "map"]
        reds = [r for r in reqs if r[0] == "reduce"]
        fins = [r for r in reqs if r[0] == "final"]
        if any(r[0] == "?" for r in reqs):
            bad.append("a request with neither template")
        for i, r in enumerate(maps):
            n = len(r[2].encode())
            if n >= room:
                bad.append(f"map request {i}: {n} bytes >= {room}")
        parts = [between(r[2], "<part>\n", "\n</part>") for r in maps]
        pos = sorted((text.find(p), p) for p in parts)
        if any(at < 0 for at, _ in pos) or \
                "".join(p for _, p in pos) != text:
            bad.append("the map parts put together are not the input")
        if len(fins) != 1 or reqs[-1][0] != "final":
            bad.append(f"{len(fins)} final requests, the last is "
                       f"{reqs[-1][0]}")
        items = sum(between(r[2], "<part>\n", "\n</part>").count("summary.")
                    for r in reds)
        final_items = between(fins[-1][2], "<text>\n", "</text>") \
            .count("summary.") if fins else 0
        # Every map and reduce answer is passed on once: to a reduce
        # request of the level above, or to the final one.
        if items + final_items != len(maps) + len(reds):
            bad.append(f"{len(maps)} map and {len(reds)} reduce answers, "
                       f"but {items} passed to reduce requests and "
                       f"{final_items} to the final one")
        for b in bad:
            print(b)
        sys.exit(1 if bad else 0)
    elif cmd == "order":
        # order LOG: the final request lists the map answers in the order
        # of their parts in the input (the answers came back reversed).
        reqs = requests(sys.argv[2])
        text = open(sys.argv[3], "rb").read().decode()
        maps = [(text.find(between(r[2], "<part>\n", "\n</part>")), n + 1)
                for n, r in enumerate(reqs) if r[0] == "map"]
        want = "\n\n".join(f"Summary of part {n}." for _, n in sorted(maps))
        fin = [r for r in reqs if r[0] == "final"]
        got = between(fin[0][2], "<text>\n", "</text>").strip() \
            if len(fin) == 1 else None
        if got != want:
            print(f"want {want!r}\n got {got!r}")
            sys.exit(1)
    elif cmd == "system":
        # system LOG KIND: the system prompt of the first request of KIND.
        for r in requests(sys.argv[2]):
            if r[0] == sys.argv[3]:
                sys.stdout.write(r[1])
                return
        sys.exit(1)

main()
EOF

# long ARG...: run long.py.
long () {
	"$PYTHON" "$TRASH_DIRECTORY/long.py" "$@"
}

(cd "$TRASH_DIRECTORY" &&
	long gen 3000000 1 big.md &&
	long gen 300000 2 mid.md &&
	long gen 4000 7 six.md &&
	long gen 40000 3 a.md &&
	long gen 30000 4 b.md &&
	long gen 30000 5 c.md) || exit 1

test_expect_success 'a 3 MB input: map requests that fit, a reduce pass, one final answer' '
	mock_start t2-short &&
	summ --context 4000 big.md >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	long kinds "$MOCK_LOG" >kinds &&
	cat kinds &&
	test "$(sed -n "s/^map //p" kinds)" -ge 300 &&
	test "$(sed -n "s/^reduce //p" kinds)" -ge 1 &&
	test "$(sed -n "s/^final //p" kinds)" = 1 &&
	test "$(mock_max_inflight)" -le 4 &&
	long check "$MOCK_LOG" 4000 big.md
'

test_expect_success 'a smaller context: more reduce requests, still one final' '
	mock_start t2-short &&
	summ --context 2000 -j 8 mid.md >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	long kinds "$MOCK_LOG" >kinds &&
	cat kinds &&
	test "$(sed -n "s/^reduce //p" kinds)" -ge 2 &&
	test "$(sed -n "s/^final //p" kinds)" = 1 &&
	test "$(mock_max_inflight)" -le 8 &&
	long check "$MOCK_LOG" 2000 mid.md
'

test_expect_success 'the map requests use summarize-part, not the user'"'"'s template' '
	mock_start t2-short &&
	summ --context 4000 -l short mid.md >out 2>err &&
	long system "$MOCK_LOG" map >map &&
	test_grep "You condense one part" map &&
	test_grep -v "Length:" map &&
	test_grep -v "at most 3 sentences" map
'

test_expect_success 'the final request honours -l short, -F bullets, -L de and --focus' '
	mock_start t2-short &&
	summ --context 4000 -l short -F bullets -L de --focus "the budget figures" \
		mid.md >out 2>err &&
	test_cmp /dev/null err &&
	long kinds "$MOCK_LOG" >kinds &&
	test "$(sed -n "s/^final //p" kinds)" = 1 &&
	long system "$MOCK_LOG" final >final &&
	test_grep "You write summaries" final &&
	test_grep "at most 3 sentences" final &&
	test_grep "bullet points" final &&
	test_grep -E "summary in (German|de)" final &&
	test_grep "Focus on: the budget figures" final &&
	long system "$MOCK_LOG" map >map &&
	test_grep "the budget figures" map &&
	test_grep -v "bullet" map
'

test_expect_success 'partial summaries are joined in input order, whatever order they arrive in' '
	env -u OPENROUTER_API_KEY msummarize --context 2000 -n six.md >dry &&
	n=$(wc -l <dry) &&
	test "$n" -ge 3 && test "$n" -le 6 &&
	mock_start t2-long-order &&
	summ --context 2000 -j 8 six.md >out 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = $((n + 1)) &&
	long order "$MOCK_LOG" six.md
'

test_expect_success '-n: one JSON line per map request, nothing sent, no key needed' '
	mock_start t2-short &&
	summ --context 4000 mid.md >out 2>err &&
	long kinds "$MOCK_LOG" >kinds &&
	maps=$(sed -n "s/^map //p" kinds) &&
	mock_start t2-short &&
	env -u OPENROUTER_API_KEY msummarize --base-url "$MOCK_URL" \
		--context 4000 -n mid.md >dry 2>err &&
	test_cmp /dev/null err &&
	test "$(mock_count)" = 0 &&
	test_line_count = "$maps" dry &&
	"$PYTHON" -c "
import json
for line in open(\"dry\", encoding=\"utf-8\"):
    b = json.loads(line)
    assert \"You condense one part\" in b[\"messages\"][0][\"content\"], b
    assert b[\"messages\"][-1][\"content\"].startswith(\"<part>\"), b
"
'

test_expect_success '-u totals the usage of every request' '
	mock_start t2-long-usage &&
	summ --context 4000 -u mid.md >out 2>err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	n=$(mock_count) &&
	test "$n" -ge 50 &&
	"$PYTHON" -c "
import sys
n = int(sys.argv[1])
print(\"msummarize: usage: %d tokens in, %d out, %d requests, \$%.6f\"
      % (1000 * n, 3 * n, n, n * 0.0009765625))
" "$n" >expect &&
	test_cmp expect err
'

test_expect_success 'no progress on stderr when it is not a terminal' '
	mock_start t0-slow-short &&
	summ --context 2000 -j 8 six.md >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out
'

test_expect_success 'progress on a terminal, updated in place and cleared; none with -q' '
	mock_start t0-slow-short &&
	test_pty tty msummarize --retries 0 --base-url "$MOCK_URL" --context 2000 \
		-j 2 six.md >tty &&
	cat tty &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	test_grep "^status 0$" tty &&
	test_grep "^cleared$" tty &&
	test_grep "msummarize: [0-9]*/[0-9]*+* chunks" tty &&
	test_pty tty msummarize --retries 0 --base-url "$MOCK_URL" --context 2000 \
		-q -j 2 six.md >tty &&
	test_grep "^status 0$" tty &&
	test_grep -v "chunks" tty
'

test_expect_success 'on a terminal the progress does not mix with the summary' '
	mock_start t0-slow-short &&
	test_pty screen msummarize --retries 0 --base-url "$MOCK_URL" \
		--context 2000 -j 2 six.md >screen &&
	printf "status 0\nShort summary.\n" >expect &&
	test_cmp expect screen
'

test_expect_success 'files in order, - is stdin: the parts are the input, in order (-j 1)' '
	mock_start t2-short &&
	summ --context 2000 -j 1 a.md - c.md <b.md >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	test "$(mock_max_inflight)" = 1 &&
	cat a.md b.md c.md >all.md &&
	long check "$MOCK_LOG" 2000 all.md &&
	"$PYTHON" -c "
import json, sys
sys.path.insert(0, \".\")
parts = []
for line in open(sys.argv[1], encoding=\"utf-8\"):
    m = json.loads(line)[\"body\"][\"messages\"]
    if \"You condense one part\" in m[0][\"content\"] and \"summary.\" not in m[-1][\"content\"]:
        u = m[-1][\"content\"]
        parts.append(u[len(\"<part>\\n\"):-len(\"\\n</part>\")])
want = open(\"all.md\", \"rb\").read().decode()
sys.exit(0 if \"\".join(parts) == want else 1)
" "$MOCK_LOG"
'

test_expect_success 'files in order, - is stdin (-j 4)' '
	mock_start t2-short &&
	summ --context 2000 -j 4 a.md - c.md <b.md >out 2>err &&
	test_cmp /dev/null err &&
	echo "Short summary." >expect &&
	test_cmp expect out &&
	cat a.md b.md c.md >all.md &&
	long check "$MOCK_LOG" 2000 all.md
'

test_done
