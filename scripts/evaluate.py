#!/usr/bin/env python3
"""Recall and precision per category of gzhlint against a folder's INTENT.md.

    scripts/evaluate.py fixtures/holdout2            # uses fixtures/holdout2/INTENT.md
    scripts/evaluate.py fixtures/drafts fixtures/INTENT.md

INTENT.md lists, per file (`## name`), one bullet per intended violation:
`- <category>.<subcategory>: 「phrase as a reader sees it」`. An intended violation is caught
when a diagnostic of its category overlaps the phrase (they share at least two characters); a
diagnostic is a true positive when it overlaps an intended phrase of its own category. It also
counts the diagnostics on drafts with no intended violation: false positives beyond dispute.
Uses target/release/gzhlint (build it first), or the binary `--gzhlint` names. A miss whose
sentence has another finding of the same category (the reviewer would see that sentence
flagged, with a narrower span) is marked, and recall counting those is printed after the strict
figures.

Precision as listed undercounts: a set's author misses some real violations. Diagnostics that
are not in the intent can be judged by someone who has not seen the rules:

    scripts/evaluate.py fixtures/holdout35 --unlisted /tmp/h35.json   # what to judge
    # the judge writes fixtures/holdout35/adjudication.json: the same items, each with
    # "verdict": "real" (a violation the author did not list) or "false"

With an adjudication file present, precision is also printed counting the judged-real ones as
true positives (and the judged-false ones, and any not judged, as false positives).

Held-out sets pool (the figures in README's measurement sections):

    scripts/evaluate.py --sets 505-510                # fixtures/holdout505 .. holdout510
    scripts/evaluate.py --sets 505-510 --gzhlint /tmp/first-build/gzhlint
"""
import argparse
import collections
import html
import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATEGORIES = ["inducement", "false_advertising", "illegal_trading", "prohibited_content"]


def expected_violations(intent_text):
    """Intended violations per listed draft (a clean draft is listed with none)."""
    expected = {}
    for section in re.split(r"^## ", intent_text, flags=re.M)[1:]:
        name = section.split("\n", 1)[0].strip()
        expected.setdefault(name, [])
        body = section.split("Near-misses", 1)[0]
        for m in re.finditer(r"^- ([a-z_]+)\.([a-z_]+): 「(.*?)」", body, flags=re.M | re.S):
            expected[name].append((m.group(1), m.group(3)))
    return expected


def overlap(a, b):
    a, b = a.replace("\u200b", ""), b.replace("\u200b", "")
    return a in b or b in a or any(a[i:i + 2] in b for i in range(len(a) - 1))


def visible_line(path, line):
    """Line `line` of a draft as a reader sees it (tags dropped for HTML)."""
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return text.strip()


def same_sentence(path, diagnostic, phrase):
    """Whether the diagnostic's text and the phrase share a sentence of the diagnostic's line."""
    def clean(text):
        return re.sub("[\u200b-\u200d\u2060\ufeff]|\\*\\*", "", text)
    flagged, phrase = clean(diagnostic["text"]), clean(phrase)
    sentences = re.split(r"(?<=[。！？!?；;])", clean(visible_line(path, diagnostic["line"])))
    return any(flagged in s and phrase in s for s in sentences)


def key(item):
    return (item["file"], item["line"], item["rule"], item["text"])


class Measure:
    """One folder's counts against its intent (summed over folders by `add`)."""

    def __init__(self):
        self.caught, self.missed, self.nearby = (collections.Counter() for _ in range(3))
        self.true_pos, self.false_pos, self.judged_real = (collections.Counter() for _ in range(3))
        self.clean, self.clean_hits, self.unjudged, self.judged_sets = 0, 0, 0, 0
        self.misses, self.extras, self.unlisted_items, self.warnings = [], [], [], []

    def add(self, other):
        for name in ("caught", "missed", "nearby", "true_pos", "false_pos", "judged_real"):
            getattr(self, name).update(getattr(other, name))
        for name in ("clean", "clean_hits", "unjudged", "judged_sets"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("misses", "extras", "unlisted_items", "warnings"):
            getattr(self, name).extend(getattr(other, name))


def measure(folder, intent, gzhlint, label=""):
    """Runs `gzhlint` over the drafts of `folder` and scores it against `intent`; `label`
    prefixes the misses and extras (the folder, when several are pooled)."""
    m = Measure()
    expected = expected_violations(intent.read_text(encoding="utf-8"))
    drafts = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".html") and p.name != "INTENT.md")
    run = subprocess.run(
        [str(gzhlint), "check", "--isolated", "--format", "json", "--fail-on", "never"]
        + [str(p) for p in drafts],
        capture_output=True, text=True, check=True)
    found = collections.defaultdict(list)
    for d in json.loads(run.stdout)["diagnostics"]:
        found[pathlib.Path(d["path"]).name].append(d)
    for draft in drafts:
        want, got = expected.get(draft.name, []), found.get(draft.name, [])
        for category, phrase in want:
            if any(d["category"] == category and overlap(d["text"], phrase) for d in got):
                m.caught[category] += 1
            else:
                m.missed[category] += 1
                beside = any(d["category"] == category and same_sentence(draft, d, phrase) for d in got)
                m.nearby[category] += beside
                m.misses.append(f"{label}{draft.name}: {category} 「{phrase}」" + (" (its sentence flagged)" if beside else ""))
        for d in got:
            if any(d["category"] == c and overlap(d["text"], p) for c, p in want):
                m.true_pos[d["category"]] += 1
            else:
                m.false_pos[d["category"]] += 1
                m.extras.append(f"{label}{draft.name}:{d['line']}: {d['rule']} 「{d['text']}」")
                m.unlisted_items.append({
                    "file": draft.name, "line": d["line"], "rule": d["rule"], "category": d["category"],
                    "message": d["message"], "text": d["text"], "context": visible_line(draft, d["line"]),
                    "clean_draft": not want,
                })
    # Drafts with no intended violation (the clean ones): any diagnostic there is a false
    # positive beyond dispute, unlike an unlisted finding in a violating draft.
    unlisted = [d.name for d in drafts if d.name not in expected]
    if unlisted:
        m.warnings.append(f"warning: not in {label}{intent.name}, left out of the clean count: {', '.join(unlisted)}")
    clean = [d for d in drafts if d.name in expected and not expected[d.name]]
    m.clean, m.clean_hits = len(clean), sum(len(found.get(d.name, [])) for d in clean)
    verdicts_path = folder / "adjudication.json"
    if verdicts_path.exists():
        verdicts = {key(v): v["verdict"] for v in json.loads(verdicts_path.read_text(encoding="utf-8"))}
        m.judged_real = collections.Counter(i["category"] for i in m.unlisted_items if verdicts.get(key(i)) == "real")
        m.unjudged = sum(1 for i in m.unlisted_items if key(i) not in verdicts)
        m.judged_sets = 1
    else:
        m.unjudged = len(m.unlisted_items)
    return m


def report(m, folders):
    print("\n".join(m.warnings), end="\n" if m.warnings else "")
    for c in CATEGORIES:
        recall_n, precision_n = m.caught[c] + m.missed[c], m.true_pos[c] + m.false_pos[c]
        recall = m.caught[c] / recall_n if recall_n else 1.0
        precision = m.true_pos[c] / precision_n if precision_n else 1.0
        print(f"{c:20} recall {m.caught[c]}/{recall_n} = {recall:.3f}   precision {m.true_pos[c]}/{precision_n} = {precision:.3f}")
    print(f"clean drafts: {m.clean}, diagnostics on them: {m.clean_hits}")
    if sum(m.nearby.values()):
        print("recall counting a miss whose sentence has another finding of its category:")
        for c in CATEGORIES:
            recall_n = m.caught[c] + m.missed[c]
            n = m.caught[c] + m.nearby[c]
            print(f"{c:20} recall {n}/{recall_n} = {n / recall_n if recall_n else 1.0:.3f}")
    if m.judged_sets:
        where = "adjudication.json" if folders == 1 else f"adjudication.json of {m.judged_sets} of {folders} folders"
        print(f"adjudicated ({where}; {m.unjudged} unlisted diagnostics not judged, counted false):")
        for c in CATEGORIES:
            precision_n = m.true_pos[c] + m.false_pos[c]
            tp = m.true_pos[c] + m.judged_real[c]
            print(f"{c:20} precision {tp}/{precision_n} = {tp / precision_n if precision_n else 1.0:.3f}")
    print("missed:")
    print("\n".join(f"  {x}" for x in m.misses) or "  none")
    print("diagnostics not in the intent:")
    print("\n".join(f"  {x}" for x in m.extras) or "  none")


def set_range(text):
    """`496-510` (or `496`) as the list of held-out folders fixtures/holdoutN that exist."""
    first, _, last = text.partition("-")
    try:
        numbers = range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a set number or a range like 496-510, got {text!r}")
    folders = [ROOT / f"fixtures/holdout{n}" for n in numbers if (ROOT / f"fixtures/holdout{n}").is_dir()]
    if not folders:
        raise argparse.ArgumentTypeError(f"no fixtures/holdoutN folder for {text!r}")
    return folders


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=pathlib.Path, nargs="?")
    parser.add_argument("intent", type=pathlib.Path, nargs="?")
    parser.add_argument("--sets", type=set_range, metavar="N-M",
                        help="pool the held-out sets fixtures/holdoutN..holdoutM instead of one folder")
    parser.add_argument("--gzhlint", type=pathlib.Path, default=ROOT / "target/release/gzhlint",
                        help="the binary to measure (to compare two builds)")
    parser.add_argument("--unlisted", type=pathlib.Path, help="write the diagnostics not in the intent here, to be judged")
    args = parser.parse_args()
    if (args.folder is None) == (args.sets is None):
        parser.error("name one folder, or --sets N-M")
    if args.sets and args.unlisted:
        parser.error("--unlisted writes one folder's findings: name that folder")
    if args.sets:
        pooled = Measure()
        for folder in args.sets:
            pooled.add(measure(folder, folder / "INTENT.md", args.gzhlint, f"{folder.name}/"))
        report(pooled, len(args.sets))
        return
    m = measure(args.folder, args.intent or args.folder / "INTENT.md", args.gzhlint)
    report(m, 1)
    if args.unlisted:
        args.unlisted.write_text(json.dumps(m.unlisted_items, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
