#!/usr/bin/env python3
"""Build the stroke tables behind ``villagevote.names`` (姓氏笔画 ordering).

Run once by a developer; the outputs are committed under ``resources/strokes/``:

* ``stroke_order.tsv`` — one line per character: ``<char>\\t<shape digits>``, the writing-order sequence of the
  five stroke classes 横1 竖2 撇3 点4 折5 (so its length is the stroke count). Source: the npm package
  ``cnchar-order`` (MIT), which carries a per-character stroke-order string in letters a–z. Each letter is one stroke
  form; the package's own stroke table names the form. The forms are folded into the five classes of the national
  stroke-order standard (GB13000.1 字符集汉字笔顺规范): 提 counts as 横, 竖钩 as 竖, 捺 (and the short dot of 火旁)
  as 点, every other form with a turn or a hook as 折.
* ``total_strokes.tsv`` — fallback for characters without stroke order: ``<count>\\t<chars>`` from Unicode's Unihan
  ``kTotalStrokes`` field (first value, the mainland form), shipped by the Debian package ``unicode-data``.

Inputs (fetched with the ordinary clients, no other network):

    npm pack cnchar-order@3.2.6            # -> cnchar-order-3.2.6.tgz
    apt-get download unicode-data          # -> unicode-data_15.0.0-1_all.deb

    python scripts/build_stroke_table.py --cnchar cnchar-order-3.2.6.tgz --unicode-data unicode-data_15.0.0-1_all.deb
"""
from __future__ import annotations

import argparse
import bz2
import contextlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "resources" / "strokes"

# cnchar stroke letters by the names in the package's own table (printed by --show-letters).
CLASS_OF_LETTER = {
    "j": "1",  # 横
    "i": "1",  # 提
    "f": "2",  # 竖
    "g": "2",  # 竖钩
    "s": "3",  # 撇
    "k": "4",  # 点
    "d": "4",  # 点 (second form, e.g. first stroke of 火旁)
    "l": "4",  # 捺
}
FOLD = "5"  # all other letters are 折笔 in cnchar's table (a b c e h m n o p q r t u v w x y z)

# Radical forms in GB 2312 that cnchar has no entry for: take them from the leading strokes of a character whose
# first component is that form, and check the stroke count we expect.
RADICALS_FROM = {
    # radical: (example character, number of leading strokes)
    "丨": ("中", None), "丿": ("乏", 1), "丶": ("主", 1),
    "匚": ("匡", None), "刂": ("刊", None), "亠": ("六", 2), "冫": ("冰", 2), "冖": ("冗", 2),
    "讠": ("计", 2), "卩": ("印", None), "阝": ("阳", 2), "廴": ("建", None), "艹": ("花", 3),
    "扌": ("打", 3), "彳": ("行", 3), "彡": ("形", None), "犭": ("狗", 3), "夂": ("冬", 3),
    "饣": ("饭", 3), "忄": ("情", 3), "丬": ("将", 3), "氵": ("江", 3), "宀": ("安", 3),
    "辶": ("这", None), "彐": ("当", None), "屮": ("出", None), "纟": ("红", 3), "灬": ("点", None),
    "礻": ("神", 4), "疒": ("病", 5), "衤": ("被", 5),
}
# Radicals whose strokes are not a prefix of an example: written out from the same letter alphabet.
RADICALS_LETTERS = {
    "丨": "f", "匚": "jb", "刂": "fg", "卩": "rf", "廴": "al", "彡": "sss", "辶": "kal",
    "彐": "cjj", "屮": "bff", "灬": "kkkk",
}


def load_cnchar(path: Path) -> tuple[dict[str, str], dict[str, dict], str, str]:
    """Return (char -> letters, letter table, package version, licence text) from the npm tarball."""
    with tarfile.open(path) as tar:
        js = tar.extractfile("package/cnchar.order.min.js").read().decode("utf-8")
        pkg = json.loads(tar.extractfile("package/package.json").read())
        licence = tar.extractfile("package/LICENSE").read().decode("utf-8")
    blobs = re.findall(r"JSON\.parse\('(.*?)'\)", js)
    order = json.loads(blobs[0])
    letters = json.loads(blobs[1])
    return order, letters, pkg["version"], licence


def letters_to_classes(letters: str, table: dict[str, dict]) -> str:
    out = []
    for letter in letters:
        if letter in CLASS_OF_LETTER:
            out.append(CLASS_OF_LETTER[letter])
        elif table[letter]["type"] == "折笔":
            out.append(FOLD)
        else:
            raise SystemExit(f"unclassified stroke letter {letter!r}: {table[letter]}")
    return "".join(out)


def load_unihan_total_strokes(deb: Path) -> tuple[dict[str, int], str, str]:
    """Return (char -> kTotalStrokes, package version, copyright text) from the Debian package."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        root = Path(tmp)
        raw = bz2.decompress((root / "usr/share/unicode/Unihan_IRGSources.txt.bz2").read_bytes()).decode("utf-8")
        copyright_text = (root / "usr/share/doc/unicode-data/copyright").read_text(encoding="utf-8")
    version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    totals: dict[str, int] = {}
    for line in io.StringIO(raw):
        if "\tkTotalStrokes\t" not in line:
            continue
        code, _, value = line.rstrip("\n").split("\t")
        totals[chr(int(code[2:], 16))] = int(value.split()[0])
    return totals, version, copyright_text


def gb2312_characters() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                chars.append(bytes([hi, lo]).decode("gb2312"))
    return chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnchar", type=Path, required=True, help="cnchar-order-<version>.tgz from `npm pack`")
    parser.add_argument("--unicode-data", type=Path, required=True, help="unicode-data_<version>_all.deb")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--show-letters", action="store_true", help="print cnchar's stroke letter table and exit")
    args = parser.parse_args(argv)

    order, table, cnchar_version, cnchar_licence = load_cnchar(args.cnchar)
    if args.show_letters:
        for letter, info in sorted(table.items()):
            print(letter, info["name"], info["type"], "->", CLASS_OF_LETTER.get(letter, FOLD))
        return 0

    shapes = {char: letters_to_classes(letters, table) for char, letters in order.items() if len(char) == 1}
    for radical, (example, n) in RADICALS_FROM.items():
        if radical in shapes:
            continue
        if radical in RADICALS_LETTERS:
            shapes[radical] = letters_to_classes(RADICALS_LETTERS[radical], table)
        else:
            shapes[radical] = shapes[example][:n]

    totals, unicode_version, unicode_copyright = load_unihan_total_strokes(args.unicode_data)

    # Cross-check: where both sources know a character, the counts should mostly agree.
    disagree = sorted(c for c, s in shapes.items() if c in totals and totals[c] != len(s))
    gb = gb2312_characters()
    missing_gb = [c for c in gb if c not in shapes]
    if missing_gb:
        raise SystemExit(f"GB 2312 characters without stroke order: {''.join(missing_gb)}")

    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "stroke_order.tsv", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# char<TAB>stroke classes in writing order (1 横 2 竖 3 撇 4 点 5 折); from cnchar-order "
                 f"{cnchar_version} (MIT), see SOURCE.md\n")
        for char in sorted(shapes, key=lambda c: (len(shapes[c]), shapes[c], ord(c))):
            fh.write(f"{char}\t{shapes[char]}\n")

    fallback: dict[int, list[str]] = {}
    for char, count in totals.items():
        if char not in shapes:
            fallback.setdefault(count, []).append(char)
    with open(args.out / "total_strokes.tsv", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# count<TAB>characters with that total stroke count (Unihan kTotalStrokes, unicode-data "
                 f"{unicode_version}); only characters missing from stroke_order.tsv, see SOURCE.md\n")
        for count in sorted(fallback):
            fh.write(f"{count}\t{''.join(sorted(fallback[count]))}\n")

    (args.out / "SOURCE.md").write_text(
        SOURCE_TEMPLATE.format(
            cnchar_version=cnchar_version,
            unicode_version=unicode_version,
            n_order=len(shapes),
            n_fallback=sum(len(v) for v in fallback.values()),
            n_disagree=len(disagree),
            disagree_sample="".join(disagree[:40]),
            cnchar_licence=cnchar_licence.strip(),
            unicode_copyright=unicode_copyright.strip(),
        ),
        encoding="utf-8",
    )
    print(f"stroke order: {len(shapes)} characters (GB 2312 complete); fallback counts: "
          f"{sum(len(v) for v in fallback.values())}; count disagreements with Unihan: {len(disagree)}")
    return 0


SOURCE_TEMPLATE = """# Stroke data sources

Generated by `scripts/build_stroke_table.py`; do not edit by hand.

## stroke_order.tsv — per-character stroke order ({n_order} characters, all of GB 2312)

- Package: npm `cnchar-order`, version {cnchar_version} (data in `package/cnchar.order.min.js`)
- Licence: MIT (text below), copyright theajack
- Fetched with: `npm pack cnchar-order@{cnchar_version}`
- Conversion: each stroke letter is folded into the five classes of GB13000.1 字符集汉字笔顺规范
  (横1 竖2 撇3 点4 折5): 提→横, 竖钩→竖, 捺→点, every other turning or hooked form→折.
  The 31 radical forms of GB 2312 that the package lacks (丨 丿 丶 氵 扌 …) are taken from the leading strokes
  of a character that starts with them (see `RADICALS_FROM` in the script) or written out in the same letters.

## total_strokes.tsv — fallback stroke counts ({n_fallback} characters)

- Package: Debian `unicode-data`, version {unicode_version} (`/usr/share/unicode/Unihan_IRGSources.txt.bz2`,
  field `kTotalStrokes`, first value = mainland form)
- Licence: Unicode License (text below)
- Fetched with: `apt-get download unicode-data`
- Used only for characters without stroke order: they sort after the characters of the same stroke count whose
  stroke order is known.
- Where both sources know a character, {n_disagree} stroke counts differ (usually variant forms), e.g.
  {disagree_sample}; the stroke-order table wins.

## Modification notice

Both files are modified extracts of the data files named above (selected fields, re-encoded as TSV).

## Licence: cnchar-order (MIT)

```
{cnchar_licence}
```

## Licence: Unicode data files (from the Debian package's copyright file)

```
{unicode_copyright}
```
"""


if __name__ == "__main__":
    sys.exit(main())
