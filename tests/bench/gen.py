#!/usr/bin/env python3
"""Generate benchmark input for make bench: markdown documents and endless prose."""

# Usage:
#   gen.py markdown BYTES    a markdown document of about BYTES bytes
#                            (headings, prose, lists, fenced code, a table,
#                            some multi-byte text), written to stdout
#   gen.py text BYTES        exactly BYTES bytes of English-like prose in
#                            paragraphs, made on the fly and written to
#                            stdout in 1 MB blocks, so that a gigabyte is
#                            never held in memory or written to disk
#   gen.py sse EVENTS STREAM TEXT
#                            a recorded OpenRouter answer of EVENTS content
#                            deltas (words, punctuation, line breaks,
#                            multi-byte text, JSON escapes) to the file
#                            STREAM, as the server sends it (comments, a
#                            role chunk, a finish chunk, a usage chunk,
#                            [DONE]), and the answer text alone to TEXT
#
# The output depends only on the arguments (a fixed seed), so runs compare.

import json
import random
import sys

WORDS = (
    "the of and to in is that for it as was with be by on not he this are "
    "or his from at which but have an they you were her she there been one "
    "all we their has would when if so no will more about can said up out "
    "them some could into than its time only other new these two may first "
    "then do any like my now over such our man me even most made after also "
    "well did many before must through back years where much your way down "
    "should because each just those people how too little state good very "
    "make world still own see men work long get here between both life being "
    "under never day same another know while last might us great old year "
    "off come since against go came right used take three filter pipeline "
    "request answer model token context chunk summary translation server "
    "stream buffer memory budget paragraph sentence section manual release"
).split()
NAMES = ("Ada Lovelace", "Grace Hopper", "Ken Thompson", "Dennis Ritchie",
         "Margaret Hamilton", "Barbara Liskov", "Niklaus Wirth")
INTL = ("Größenänderung der Übersetzung", "Überprüfung läuft",
        "Ça coûte cher à l'été", "Пример текста на русском языке",
        "日本語のテキストの例です", "中文文本示例", "Ελληνικό κείμενο")


def sentence(rnd):
    n = rnd.randint(6, 22)
    words = [rnd.choice(WORDS) for _ in range(n)]
    if rnd.random() < 0.25:
        words.insert(rnd.randrange(n), rnd.choice(NAMES))
    if rnd.random() < 0.2:
        words.insert(rnd.randrange(n), str(rnd.randint(2, 99999)))
    s = " ".join(words)
    return s[0].upper() + s[1:] + rnd.choice("....!?")


def paragraph(rnd, width=72):
    text = " ".join(sentence(rnd) for _ in range(rnd.randint(2, 7)))
    lines, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = line + " " + w if line else w
    lines.append(line)
    return "\n".join(lines) + "\n"


def markdown_block(rnd, i):
    r = rnd.random()
    if i % 12 == 0:
        return "#" * rnd.randint(1, 3) + f" Section {i // 12 + 1}: " + \
            sentence(rnd).rstrip(".!?") + "\n"
    if r < 0.55:
        return paragraph(rnd)
    if r < 0.70:
        return "".join(f"- {sentence(rnd)}\n" for _ in range(rnd.randint(2, 6)))
    if r < 0.80:
        body = "".join(f"    x{k} = compute(x{k - 1}, {rnd.randint(0, 999)})\n"
                       for k in range(1, rnd.randint(3, 12)))
        return "```python\ndef step(x0):\n" + body + "    return x0\n```\n"
    if r < 0.88:
        rows = "".join(f"| {rnd.choice(NAMES)} | {rnd.randint(1, 1000)} |\n"
                       for _ in range(rnd.randint(2, 5)))
        return "| name | value |\n| --- | --- |\n" + rows
    if r < 0.95:
        return "> " + paragraph(rnd).replace("\n", "\n> ").rstrip("> ") \
            .rstrip() + "\n"
    return f"{rnd.choice(INTL)}: see <https://example.org/{i}> and `--flag`.\n"


def markdown(size):
    rnd = random.Random(2026)
    out, n, i = [], 0, 0
    while n < size:
        b = markdown_block(rnd, i) + "\n"
        out.append(b)
        n += len(b.encode("utf-8"))
        i += 1
    sys.stdout.write("".join(out))


def text(size, out=None):
    """Write size bytes of prose to out (a binary stream; stdout's)."""
    rnd = random.Random(1024)
    # A pool of paragraphs, recombined: fast enough for a gigabyte.
    pool = [paragraph(rnd) + "\n" for _ in range(512)]
    if out is None:
        out = sys.stdout.buffer
    block = 1 << 20
    left = size
    while left > 0:
        parts, n = [], 0
        while n < block:
            p = pool[rnd.randrange(len(pool))]
            parts.append(p)
            n += len(p)
        data = "".join(parts).encode("ascii")
        if len(data) > left:
            data = data[:left]
        try:
            out.write(data)
        except BrokenPipeError:
            return
        left -= len(data)
    out.flush()


def deltas(rnd, n):
    """n content deltas as a model streams them: about a token each."""
    out = []
    while len(out) < n:
        for w in sentence(rnd).split(" "):
            out.append(w if not out or out[-1].endswith("\n") else " " + w)
        r = rnd.random()
        if r < 0.15:
            out.append("\n\n")
        elif r < 0.20:
            out.append(" " + rnd.choice(INTL))
        elif r < 0.25:
            out.append(' "quoted" ')
    return out[:n]


def sse(n, stream_path, text_path):
    """A recorded streamed answer of n deltas, and its text."""
    rnd = random.Random(6)
    head = ('data: {"id":"gen-1764080000-Ab12Cd34Ef56Gh78Ij90",'
            '"provider":"Mistral","model":"mistralai/mistral-small",'
            '"object":"chat.completion.chunk","created":1764080000,'
            '"choices":[{"index":0,"delta":{"role":"assistant","content":')
    tail = (',"finish_reason":null,"native_finish_reason":null,'
            '"logprobs":null}]}\n\n')
    parts = [": OPENROUTER PROCESSING\n\n", ": OPENROUTER PROCESSING\n\n",
             head + '""}' + tail]
    words = deltas(rnd, n)
    for i, w in enumerate(words):
        parts.append(head + json.dumps(w, ensure_ascii=False) + "}" + tail)
        if i % 500 == 499:
            parts.append(": OPENROUTER PROCESSING\n\n")
    parts.append(head + '""},"finish_reason":"stop",'
                 '"native_finish_reason":"stop","logprobs":null}]}\n\n')
    parts.append(head.split('"choices"')[0] + '"choices":[],"usage":'
                 '{"prompt_tokens":612,"completion_tokens":%d,'
                 '"total_tokens":%d}}\n\n' % (n, n + 612))
    parts.append("data: [DONE]\n\n")
    with open(stream_path, "w", encoding="utf-8") as f:
        f.write("".join(parts))
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("".join(words))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "sse":
        sse(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("markdown", "text"):
        sys.exit("usage: gen.py markdown|text BYTES | sse EVENTS STREAM TEXT")
    size = int(sys.argv[2])
    (markdown if sys.argv[1] == "markdown" else text)(size)


if __name__ == "__main__":
    main()
