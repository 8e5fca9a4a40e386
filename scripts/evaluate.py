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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("intent", type=pathlib.Path, nargs="?")
    parser.add_argument("--gzhlint", type=pathlib.Path, default=ROOT / "target/release/gzhlint",
                        help="the binary to measure (to compare two builds)")
    parser.add_argument("--unlisted", type=pathlib.Path, help="write the diagnostics not in the intent here, to be judged")
    args = parser.parse_args()
    folder = args.folder
    intent = args.intent or folder / "INTENT.md"
    expected = expected_violations(intent.read_text(encoding="utf-8"))
    drafts = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".html") and p.name != "INTENT.md")
    run = subprocess.run(
        [str(args.gzhlint), "check", "--isolated", "--format", "json", "--fail-on", "never"]
        + [str(p) for p in drafts],
        capture_output=True, text=True, check=True)
    found = collections.defaultdict(list)
    for d in json.loads(run.stdout)["diagnostics"]:
        found[pathlib.Path(d["path"]).name].append(d)
    caught, missed, true_pos, false_pos, nearby = (collections.Counter() for _ in range(5))
    misses, extras, unlisted_items = [], [], []
    for draft in drafts:
        want, got = expected.get(draft.name, []), found.get(draft.name, [])
        for category, phrase in want:
            if any(d["category"] == category and overlap(d["text"], phrase) for d in got):
                caught[category] += 1
            else:
                missed[category] += 1
                beside = any(d["category"] == category and same_sentence(draft, d, phrase) for d in got)
                nearby[category] += beside
                misses.append(f"{draft.name}: {category} 「{phrase}」" + (" (its sentence flagged)" if beside else ""))
        for d in got:
            if any(d["category"] == c and overlap(d["text"], p) for c, p in want):
                true_pos[d["category"]] += 1
            else:
                false_pos[d["category"]] += 1
                extras.append(f"{draft.name}:{d['line']}: {d['rule']} 「{d['text']}」")
                unlisted_items.append({
                    "file": draft.name, "line": d["line"], "rule": d["rule"], "category": d["category"],
                    "message": d["message"], "text": d["text"], "context": visible_line(draft, d["line"]),
                    "clean_draft": not want,
                })
    # Drafts with no intended violation (the clean ones): any diagnostic there is a false
    # positive beyond dispute, unlike an unlisted finding in a violating draft.
    unlisted = [d.name for d in drafts if d.name not in expected]
    if unlisted:
        print(f"warning: not in {intent.name}, left out of the clean count: {', '.join(unlisted)}")
    clean = [d for d in drafts if d.name in expected and not expected[d.name]]
    clean_hits = sum(len(found.get(d.name, [])) for d in clean)
    for c in CATEGORIES:
        recall_n, precision_n = caught[c] + missed[c], true_pos[c] + false_pos[c]
        recall = caught[c] / recall_n if recall_n else 1.0
        precision = true_pos[c] / precision_n if precision_n else 1.0
        print(f"{c:20} recall {caught[c]}/{recall_n} = {recall:.3f}   precision {true_pos[c]}/{precision_n} = {precision:.3f}")
    print(f"clean drafts: {len(clean)}, diagnostics on them: {clean_hits}")
    if sum(nearby.values()):
        print("recall counting a miss whose sentence has another finding of its category:")
        for c in CATEGORIES:
            recall_n = caught[c] + missed[c]
            n = caught[c] + nearby[c]
            print(f"{c:20} recall {n}/{recall_n} = {n / recall_n if recall_n else 1.0:.3f}")
    verdicts_path = folder / "adjudication.json"
    if verdicts_path.exists():
        verdicts = {key(v): v["verdict"] for v in json.loads(verdicts_path.read_text(encoding="utf-8"))}
        real = collections.Counter(i["category"] for i in unlisted_items if verdicts.get(key(i)) == "real")
        unjudged = sum(1 for i in unlisted_items if key(i) not in verdicts)
        print(f"adjudicated ({verdicts_path.name}; {unjudged} unlisted diagnostics not judged, counted false):")
        for c in CATEGORIES:
            precision_n = true_pos[c] + false_pos[c]
            tp = true_pos[c] + real[c]
            print(f"{c:20} precision {tp}/{precision_n} = {tp / precision_n if precision_n else 1.0:.3f}")
    if args.unlisted:
        args.unlisted.write_text(json.dumps(unlisted_items, ensure_ascii=False, indent=1), encoding="utf-8")
    print("missed:")
    print("\n".join(f"  {m}" for m in misses) or "  none")
    print("diagnostics not in the intent:")
    print("\n".join(f"  {e}" for e in extras) or "  none")


if __name__ == "__main__":
    main()
