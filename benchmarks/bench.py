"""Benchmarks for the site's speed and size goals (`invoke bench`).

Goals are checked here, not in timed tests, because a loaded CI machine
makes timed tests flaky.  Each run builds a synthetic site of PIECES
statements in every language of the table with the real Pelican, plus the
real content, and reports build time and page weight against the goals.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {
    # A reader on a slow phone connection: HTML + CSS of any page, uncompressed.
    "max_page_weight_bytes": 40_000,
    # An editor waiting for a rebuild of the real site.
    "real_site_build_seconds": 10.0,
    # Seconds per source file per language for the synthetic site.
    "seconds_per_file_language": 0.05,
}


def synthetic_content(folder, pieces, languages):
    for index in range(pieces):
        for code in languages:
            path = folder / "statements" / f"piece-{index:04d}.{code}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            body = "\n\n".join(f"Paragraph {p} of piece {index} in {code}. " * 8 for p in range(6))
            path.write_text(
                f"Title: Piece {index} ({code})\nDate: 2024-01-{index % 28 + 1:02d}\n"
                f"Summary: Summary of piece {index}.\n\n{body}\n",
                encoding="utf-8",
            )


def build(content, output, tmp):
    conf = Path(tmp) / "benchconf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"CACHE_PATH = {str(Path(tmp) / 'cache')!r}\n"
        f"I18N_GETTEXT_LOCALEDIR = {str(Path(tmp) / 'cache' / 'locale')!r}\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output),
         "--fatal", "warnings", "--log-handler", "plain", "-q"],
        check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )
    return time.perf_counter() - start


def page_weights(output):
    css = sum(p.stat().st_size for p in output.rglob("*.css"))
    return {p.relative_to(output).as_posix(): p.stat().st_size + css for p in output.rglob("*.html")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pieces", type=int, default=100)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    import pelicanconf

    languages = list(pelicanconf.LANGUAGES)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        real_seconds = build(ROOT / "content", tmp / "real", tmp)
        weights = page_weights(tmp / "real")
        heaviest = max(weights, key=weights.get)
        synthetic = tmp / "synthetic"
        synthetic_content(synthetic, args.pieces, languages)
        shutil.copytree(ROOT / "content" / "pages", synthetic / "pages")
        synth_seconds = build(synthetic, tmp / "synthetic-out", tmp)
    per_file_language = synth_seconds / (args.pieces * len(languages) * len(languages))
    results = {
        "real_site_build_seconds": round(real_seconds, 2),
        "heaviest_page": heaviest,
        "max_page_weight_bytes": weights[heaviest],
        "synthetic_pieces": args.pieces,
        "synthetic_files": args.pieces * len(languages),
        "synthetic_build_seconds": round(synth_seconds, 2),
        "seconds_per_file_language": round(per_file_language, 4),
    }
    failures = [key for key, goal in GOALS.items() if results[key] > goal]
    for key, value in results.items():
        goal = GOALS.get(key)
        mark = "" if goal is None else (" FAIL" if key in failures else " ok") + f" (goal <= {goal})"
        print(f"{key:28} {value}{mark}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "goals": GOALS}, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
