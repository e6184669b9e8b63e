"""Write README.md from nbs/index.ipynb (the docs home page), or check that it is in step.

nbdev's own `nbdev_readme` renders through Quarto; this does the same job without it, so the README can be
regenerated (and checked in CI) on machines where Quarto cannot be installed.

    python tools/readme.py           # write README.md
    python tools/readme.py --check   # exit 1 if README.md differs from what index.ipynb gives
"""
import json, os, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n\n"


def _directives(source):
    return {m.group(1).strip() for m in re.finditer(r"^#\|\s*(.+)$", source, re.M)}


def _site_url() -> str:
    "The docs site's address, from settings.ini (doc_host + doc_baseurl)."
    import configparser
    config = configparser.ConfigParser()
    config.read(ROOT / "settings.ini", encoding="utf-8")
    d = config["DEFAULT"]
    return d["doc_host"].rstrip("/") + "/" + d["doc_baseurl"].strip("/") + "/"


def absolute_links(text: str) -> str:
    "Links to notebooks become links to their pages on the docs site, so they work on GitHub and PyPI too."
    site = _site_url()
    def page(name):  # nbdev names a notebook's page without its number: 08_transfer.ipynb -> transfer.html
        return re.sub(r"^\d+[a-zA-Z0-9]*_", "", name.lower()) + ".html"
    return re.sub(r"\]\((?!https?://|#)([\w.-]+)\.ipynb(#[\w-]*)?\)",
                  lambda m: f"]({site}{page(m.group(1))}{m.group(2) or ''})", text)


def render(nb_path=ROOT / "nbs" / "index.ipynb"):
    cells = json.loads(Path(nb_path).read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(src.strip() + "\n")
            continue
        flags = _directives(src)
        if "hide" in flags or "include: false" in flags: continue
        code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
        if "echo: false" not in flags and code: parts.append(f"```python\n{code}\n```\n")
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})): continue  # pictures live on the docs site
            text = "".join(out.get("text", "")) if out.get("output_type") == "stream" else \
                   "".join(out.get("data", {}).get("text/markdown", "")) or "".join(out.get("data", {}).get("text/plain", ""))
            if not text.strip(): continue
            parts.append(text.strip() + "\n" if "text/markdown" in out.get("data", {}) else f"```\n{text.rstrip()}\n```\n")
    text = re.sub(r"^(#+ .*?) \{#[\w-]+\}$", r"\1", "\n".join(parts), flags=re.M)  # Pandoc heading ids: site only
    return HEADER + absolute_links(text)


def main(argv):
    text, readme = render(), ROOT / "README.md"
    if "--check" in argv:
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            print("README.md is not in step with nbs/index.ipynb: run `python tools/readme.py`", file=sys.stderr)
            return 1
        print("README.md is in step with nbs/index.ipynb")
        return 0
    fd, tmp = tempfile.mkstemp(dir=ROOT, prefix=".README.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f: f.write(text)
    os.replace(tmp, readme)
    print(f"wrote {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
