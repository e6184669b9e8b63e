"""Check the notebooks for what the rendered site and Colab need; exit 1 listing every defect.

    python tools/check_notebooks.py               # check nbs/*.ipynb
    python tools/check_notebooks.py A.ipynb ...   # check these notebooks
    python tools/check_notebooks.py --self-test   # show that each check catches its defect on a small bad notebook

The checks (see DESIGN.md, "Docs and bilingual prose"):
- tabsets: every `<div class="panel-tabset" group="lang">` holds exactly the tabs `### English` and `### 中文`, both
  non-empty, and no other heading of level 1-3 (Quarto makes a tab of every heading at the tab level, and headings
  inside tabs are missing from the page's table of contents);
- Chinese: no line break between two Chinese characters (Pandoc renders it as a stray space);
- bilingual: every prose cell has English and Chinese (a tabset, or a title / heading written in both);
- paths: no absolute home, temporary or checkout path in any source or output;
- size: every stored image <= 300 KB and every notebook <= 1.5 MB;
- Colab: every notebook with code has the "Open in Colab" badge and the Colab setup cell;
- imports: a code cell that imports (anywhere in it) holds imports only, unless it is exported: nbdev's docs
  processing executes every cell that imports, so mixed cells run (and train) during the docs build.
"""
from __future__ import annotations
import ast, base64, json, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_IMAGE_BYTES, MAX_NOTEBOOK_BYTES = 300_000, 1_500_000
CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2014\u2026"  # ideographs, CJK and full-width punctuation, “ ” — …
TABSET = '<div class="panel-tabset" group="lang">'
PATHS = re.compile(r"(?<![\w.])(/root/|/home/\w|/tmp/\w|/var/folders/|/private/var/|/work/\w|/Users/\w|/content/\w|[A-Z]:\\{1,2}Users)")
EXPORTS = {"export", "exports", "exporti"}


def _source(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _directives(src: str) -> set:
    return {m.group(1) for m in re.finditer(r"^#\|\s*([\w-]+)", src, re.M)}


def _is_setup_cell(src: str) -> bool:
    return "google.colab" in src and "pip install" in src


def check_tabsets(src: str) -> list:
    problems = []
    if re.search(r'<div class="panel-tabset"(?! group="lang">)', src): problems.append('a tabset not written as <div class="panel-tabset" group="lang">')
    for block in re.findall(re.escape(TABSET) + r"(.*?)\n</div>", src, re.S):
        lines, fence = block.split("\n"), False
        heads = []
        for i, l in enumerate(lines):
            if l.strip().startswith("```"): fence = not fence
            elif not fence and re.match(r"\s*#{1,3}\s", l): heads.append((i, l.strip()))
        names = [h for _, h in heads]
        if names != ["### English", "### 中文"]:
            problems.append(f"tabset headings {names} (want exactly ['### English', '### 中文']; sub-headings are ####)")
            continue
        (a, _), (b, _) = heads
        if not "".join(lines[a + 1:b]).strip(): problems.append("empty English tab")
        if not "".join(lines[b + 1:]).strip(): problems.append("empty 中文 tab")
    if src.count(TABSET) != len(re.findall(re.escape(TABSET) + r".*?\n</div>", src, re.S)):
        problems.append("a tabset without its closing </div>")
    return problems


def check_chinese_breaks(src: str) -> list:
    bad = re.findall(rf"([{CJK}])\n([{CJK}])", src)
    return [f"{len(bad)} line break(s) between Chinese characters (write each Chinese paragraph on one line), "
            f"first: {bad[0][0]}⏎{bad[0][1]}"] if bad else []


def check_bilingual(src: str) -> list:
    text = re.sub(r"`[^`]*`|\$[^$]*\$|\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+", " ", src)
    english = len(re.findall(r"\b[A-Za-z]{3,}\b", text))
    chinese = len(re.findall(rf"[\u4e00-\u9fff]", text))
    if english >= 4 and chinese < min(4, english): return ["prose in English only (add the 中文 tab)"]
    if chinese >= 4 and english == 0: return ["prose in Chinese only (add the English tab)"]
    return []


def check_paths(text: str, where: str) -> list:
    found = sorted({m.group(0) for m in PATHS.finditer(text)})
    return [f"absolute path(s) {found} in the {where}"] if found else []


def check_imports(src: str) -> list:
    if _directives(src) & EXPORTS or re.search(r"^#\|\s*eval:\s*false", src, re.M): return []
    code = "\n".join(l for l in src.split("\n") if not l.lstrip().startswith(("%", "!")))
    try: tree = ast.parse(code)
    except SyntaxError: return []
    has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
    if not has_import: return []
    if all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body): return []
    return ["imports mixed with other code (nbdev's docs processing would run this cell): put the imports in a cell of their own"]


def check_outputs(cell) -> tuple:
    problems, images = [], []
    for out in cell.get("outputs", []):
        texts = [out.get("text", "")] + [v for k, v in out.get("data", {}).items() if k.startswith("text/")]
        for t in texts: problems += check_paths("".join(t) if isinstance(t, list) else t, "output")
        for k, v in out.get("data", {}).items():
            if k.startswith("image/") and k != "image/svg+xml":
                size = len(base64.b64decode("".join(v) if isinstance(v, list) else v))
                images.append(size)
                if size > MAX_IMAGE_BYTES: problems.append(f"a {k} output of {size / 1000:.0f} KB (at most {MAX_IMAGE_BYTES // 1000} KB)")
        if out.get("output_type") == "error": problems.append("an error output is stored")
    return problems, images


def check_notebook(path: Path) -> list:
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells, problems = nb["cells"], []
    add = lambda i, msgs: problems.extend(f"{path.name} cell {i}: {m}" for m in msgs)
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES: problems.append(f"{path.name}: {size / 1e6:.2f} MB (at most {MAX_NOTEBOOK_BYTES / 1e6:.1f} MB)")
    has_code = any(c["cell_type"] == "code" for c in cells)
    if has_code:
        if not any(c["cell_type"] == "markdown" and "colab-badge.svg" in _source(c) for c in cells):
            problems.append(f"{path.name}: no 'Open in Colab' badge")
        if not any(c["cell_type"] == "code" and _is_setup_cell(_source(c)) for c in cells):
            problems.append(f"{path.name}: no Colab setup cell")
    for i, cell in enumerate(cells):
        src = _source(cell)
        add(i, check_paths(src, "source"))
        if cell["cell_type"] == "markdown":
            add(i, check_tabsets(src) + check_chinese_breaks(src) + check_bilingual(src))
        elif cell["cell_type"] == "code":
            out_problems, _ = check_outputs(cell)
            add(i, check_imports(src) + out_problems)
    return problems


# ---------------------------------------------------------------- self-test
def _nb(cells) -> dict:
    def cell(kind, src, outputs=None):
        c = {"cell_type": kind, "metadata": {}, "source": src}
        if kind == "code": c.update(execution_count=None, outputs=outputs or [])
        return c
    return {"cells": [cell(*c) for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


GOOD_PROSE = f"## Section / 小节\n\n{TABSET}\n\n### English\n\nSome words here.\n\n### 中文\n\n这里有一些话。\n\n</div>"
SETUP = 'if "google.colab" in str(type(get_ipython())):\n    !pip install -q x'
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/x)"


def self_test() -> None:
    "Each defect in a small notebook of its own is reported; a good notebook passes."
    png = base64.b64encode(b"\x89PNG" + bytes(MAX_IMAGE_BYTES + 10)).decode()
    defects = {
        "tabset headings": [("markdown", GOOD_PROSE.replace("Some words here.", "Some words.\n\n### A heading\n\nMore words."))],
        "empty English tab": [("markdown", GOOD_PROSE.replace("Some words here.", ""))],
        "line break(s) between Chinese": [("markdown", GOOD_PROSE.replace("这里有一些话。", "这里有一些\n话。"))],
        "line break(s) between Chinese characters (write": [("markdown", GOOD_PROSE.replace("这里有一些话。", "这里有“一些”\n话。"))],
        "prose in English only": [("markdown", "Just some English prose about training.")],
        "absolute path(s) ['/root/'] in the source": [("code", "x = '/root/data/mnist.npz'")],
        "absolute path(s) ['/content/d']": [("code", "x = '/content/drive/data'")],
        "a tabset not written as": [("markdown", GOOD_PROSE.replace(' group="lang"', ""))],
        "in the output": [("code", "print(1)", [{"output_type": "stream", "name": "stdout", "text": ["saved to /tmp/abc/model.keras\n"]}])],
        "KB (at most 300 KB)": [("code", "plot()", [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}])],
        "imports mixed with other code": [("code", "import numpy as np\nx = np.zeros(3)")],
        "no 'Open in Colab' badge": "no badge",
        "no Colab setup cell": "no setup",
        "an error output is stored": [("code", "1/0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "", "traceback": []}])],
    }
    fenced = GOOD_PROSE.replace("Some words here.", "Some words.\n\n```bash\n# a comment, not a heading\n```")
    base = [("markdown", "# Title / 标题\n\n> An English line / 一句中文"), ("markdown", BADGE), ("code", "#| hide\n" + SETUP),
            ("markdown", fenced), ("code", "#| eval: false\nimport os\nos.remove('x')"),
            ("markdown", GOOD_PROSE), ("code", "import numpy as np"), ("code", "#| export\nimport os\nX = os.sep")]
    with tempfile.TemporaryDirectory() as folder:
        good = Path(folder) / "good.ipynb"
        good.write_text(json.dumps(_nb(base)), encoding="utf-8")
        assert check_notebook(good) == [], check_notebook(good)
        for expected, extra in defects.items():
            cells = list(base)
            if extra == "no badge": cells = [c for c in cells if "colab-badge" not in c[1]]
            elif extra == "no setup": cells = [c for c in cells if "google.colab" not in c[1]]
            else: cells += extra
            bad = Path(folder) / "bad.ipynb"
            bad.write_text(json.dumps(_nb(cells)), encoding="utf-8")
            found = check_notebook(bad)
            assert any(expected in p for p in found), (expected, found)
        big = Path(folder) / "big.ipynb"
        big.write_text(json.dumps(_nb(base + [("code", "x = 1", [{"output_type": "stream", "name": "stdout", "text": ["x" * MAX_NOTEBOOK_BYTES]}])])))
        assert any("MB (at most 1.5 MB)" in p for p in check_notebook(big)), check_notebook(big)
    print(f"self-test: each of the {len(defects) + 1} defects was caught; the good notebook passed")


def main(argv: list) -> int:
    if argv == ["--self-test"]:
        self_test(); return 0
    paths = [Path(a) for a in argv] or sorted((ROOT / "nbs").glob("*.ipynb"))
    problems = [p for path in paths for p in check_notebook(path)]
    total = sum(Path(p).stat().st_size for p in paths)
    for p in problems: print(p)
    print(f"{len(paths)} notebooks, {total / 1e6:.1f} MB, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
