#!/usr/bin/env bash
# End-to-end check of .pre-commit-hooks.yaml with the real pre-commit tool: a throw-away content
# repository uses this checkout's hook; committing a bad draft is blocked, a clean one passes.
# Needs python3 and cargo; installs pre-commit into target/pre-commit-venv.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv="$repo/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
rev=$(git -C "$repo" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$repo/target/pre-commit-home"
cd "$work"
git init -q
git config user.email ci@example.invalid
git config user.name CI
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: gzhlint
YAML
git add .pre-commit-config.yaml
git commit -qm "config" --no-verify
"$venv/bin/pre-commit" install >/dev/null

mkdir -p drafts
printf '# 周末菜谱\n\n今天分享一道家常红烧肉的做法，第一步先焯水。\n' > drafts/clean.md
git add drafts/clean.md
if ! git commit -qm "clean draft"; then
  echo "FAIL: the clean draft was blocked" >&2
  exit 1
fi
echo "ok: clean draft committed"

printf '# 福利\n\n转发本文到朋友圈，截图找小编领取红包！\n' > drafts/bad.md
git add drafts/bad.md
if output=$(git commit -qm "bad draft" 2>&1); then
  echo "FAIL: the bad draft was committed" >&2
  echo "$output" >&2
  exit 1
fi
if ! grep -Eq "drafts/bad.md:3:[0-9]+: restrict inducement\." <<<"$output"; then
  echo "FAIL: the hook did not report the finding:" >&2
  echo "$output" >&2
  exit 1
fi
echo "ok: bad draft blocked:"
grep "drafts/bad.md" <<<"$output"
