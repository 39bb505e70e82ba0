"""Bounds a content file must stay within before Markdown may see it.

Python-Markdown recurses a few frames per level of nested lists and quotes
and dies with RecursionError somewhere near 300 levels.  It also looks for
the end of every `[`, `](` and `<tag` by reading on to the end of the
paragraph (or, for tags, of the file), so a few thousand unclosed ones keep
it busy for minutes.  Both are measured here in one linear pass over the
source, so that a hostile file is refused before it reaches Markdown.  The
bounds are far beyond what any real text needs.

Pure: text in, (line, message) out.
"""

import bisect
import re

# Levels of lists, quotes and definition lists inside one another.
MAX_NESTING = 20
# Characters Markdown reads looking for the ends of brackets (`[` ... `]`,
# `](` ... `)`), summed over every bracket; about a second of Markdown time.
MAX_BRACKET_SCAN = 1_000_000
# The same for `<tag` ... `>`, which the HTML tokenizer reads far faster.
MAX_TAG_SCAN = 5_000_000

# Python-Markdown's fenced code: an opening line at the margin, and the
# very same fence again on a later line.  An unclosed fence is no code block:
# what follows is Markdown, and is measured.
FENCE_RE = re.compile(r"^(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*)$")
CLOSING_RE = re.compile(r"^(`{3,}|~{3,})[ ]*$")
# `* * *` and `- - - -` are rules, not lists inside lists.
RULE_RE = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# A list item (`-`, `*`, `+`, `1.`, `1)`), a definition (`:`) or a quote (`>`).
CONTAINER_RE = re.compile(r"(?:>|(?:[-*+:]|\d{1,9}[.)])(?=[ \t]|$))")
BRACKET_RE = re.compile(r"\\.|\]\(|[\[\]()]")
TAG_START_RE = re.compile(r"</?[A-Za-z]")


def nesting(line):
    """How many lists, quotes and definitions this line is inside.

    Every container marker at the start of the line counts, and so does
    every 4 columns of indentation before one (how Python-Markdown nests
    lists).  Linear in the length of the line.
    """
    depth = 0
    position = 0
    length = len(line)
    while position < length:
        column = 0
        while position < length and line[position] in " \t":
            column = column + 1 if line[position] == " " else (column // 4 + 1) * 4
            position += 1
        if position >= length or RULE_RE.match(line, position):
            break
        marker = CONTAINER_RE.match(line, position)
        if not marker:
            break
        depth += column // 4 + 1
        position = marker.end()
    return depth


def body_lines(lines, start):
    """(line number, text) of the body lines outside fenced code blocks."""
    body = lines[start - 1:]
    closings = {}  # fence -> indexes of the lines that could close it
    for index, line in enumerate(body):
        match = CLOSING_RE.match(line)
        if match:
            closings.setdefault(match.group(1), []).append(index)
    index = 0
    while index < len(body):
        opening = FENCE_RE.match(body[index])
        if opening:
            candidates = closings.get(opening.group(1), [])
            following = bisect.bisect_right(candidates, index)
            if following < len(candidates):
                index = candidates[following] + 1
                continue
        yield start + index, body[index]
        index += 1


def check_nesting(lines, start):
    """Lists and quotes nest at most MAX_NESTING levels (first offending line only)."""
    for number, line in body_lines(lines, start):
        depth = nesting(line)
        if depth > MAX_NESTING:
            yield number, (f"lists and quotes are nested {depth} levels deep here; at most {MAX_NESTING} "
                           "levels are allowed (Markdown cannot render deeper nesting): flatten the text")
            return


def check_scan(lines, start):
    """Markdown's search for closing brackets and `>` stays within its budget."""
    blocks = []  # (first line, [(line number, text)])
    current = []
    texts = []
    for number, line in body_lines(lines, start):
        texts.append((number, line))
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    worst = None  # (cost, line) of the costliest bracket
    total = 0
    for block in blocks:
        text = "\n".join(line for _number, line in block)
        starts = []
        offset = 0
        for _number, line in block:
            starts.append(offset)
            offset += len(line) + 1

        def line_at(position, block=block, starts=starts):
            return block[bisect.bisect_right(starts, position) - 1][0]

        brackets = []  # positions of open `[`
        parens = []  # (position, opened by `](`)
        for match in BRACKET_RE.finditer(text):
            token = match.group()
            position = match.start()
            if token[0] == "\\":
                continue
            if token == "[":
                brackets.append(position)
                continue
            if token in ("]", "]("):
                if brackets:
                    cost = position - brackets.pop()
                    total += cost
                    if worst is None or cost > worst[0]:
                        worst = (cost, line_at(position))
                if token == "](":
                    parens.append((position + 1, True))
                continue
            if token == "(":
                parens.append((position, False))
            elif parens:
                opened, link = parens.pop()
                if link:
                    total += position - opened
        end = len(text)
        for opened in brackets + [p for p, link in parens if link]:
            cost = end - opened
            total += cost
            if worst is None or cost > worst[0]:
                worst = (cost, line_at(opened))
    if total > MAX_BRACKET_SCAN:
        yield worst[1], ("too many brackets are left open for Markdown to render this file in reasonable time "
                         "(the longest from here); close each [ with ] and each ]( with ), or write \\[ for a "
                         "bracket meant as text")
        return

    text = "\n".join(line for _number, line in texts)
    numbers = [number for number, _line in texts]
    starts = []
    offset = 0
    for _number, line in texts:
        starts.append(offset)
        offset += len(line) + 1
    closers = [m.start() for m in re.finditer(">", text)]
    total = 0
    worst = (0, 0)  # (cost, position) of the costliest tag
    for match in TAG_START_RE.finditer(text):
        position = match.start()
        following = bisect.bisect_left(closers, position)
        cost = (closers[following] if following < len(closers) else len(text)) - position
        total += cost
        worst = max(worst, (cost, -position))
    if total > MAX_TAG_SCAN:
        line = numbers[bisect.bisect_right(starts, -worst[1]) - 1]
        yield line, ("too many HTML tags are left open for Markdown to render this file in reasonable time "
                     "(the longest from here); close each <tag with >, or write &lt; for a < meant as text")


def check(lines, start):
    """Every limit problem of a file (at most one per kind): lines, first body line number."""
    yield from check_nesting(lines, start)
    yield from check_scan(lines, start)
