#!/usr/bin/env python3
"""Checks that every law word of the thesaurus occurs in the laws.

A line of searcher/thesaurus.txt joins words people use to words the laws
use (房租 => 租金). A word on the right that no law holds matches nothing:
a typo, or a word the reviewer thought the laws used and they do not. The
library refuses a malformed line when it parses the file; this script is
the reviewer's other check, on the words themselves. It prints each right
side word found in fewer than MIN texts of the laws (default 1), with its
line number, and exits 1 if there is any.

Usage: scripts/thesaurus-check.py [LAWS_DIR] [THESAURUS] [MIN]
(defaults: ../shared/corpus/laws, searcher/thesaurus.txt, 1)
"""
import os
import sys


def law_texts(laws_dir):
    texts = []
    for root, _, files in os.walk(laws_dir):
        for name in sorted(files):
            if name.endswith('.md'):
                with open(os.path.join(root, name), encoding='utf-8', errors='replace') as f:
                    texts.append(f.read())
    if not texts:
        sys.exit(f'thesaurus-check: no .md file under {laws_dir}')
    return texts


def right_words(thesaurus):
    """(line number, word) of each word on the right of a '=>'."""
    with open(thesaurus, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.split('#', 1)[0]
            if '=>' in line:
                for word in line.split('=>', 1)[1].split():
                    yield number, word


def main():
    laws_dir = sys.argv[1] if len(sys.argv) > 1 else '../shared/corpus/laws'
    thesaurus = sys.argv[2] if len(sys.argv) > 2 else 'searcher/thesaurus.txt'
    least = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    texts = law_texts(laws_dir)
    seen, bad = {}, 0
    for number, word in right_words(thesaurus):
        if word not in seen:
            seen[word] = sum(word in t for t in texts)
        if seen[word] < least:
            print(f'{thesaurus}:{number}: {word}: in {seen[word]} texts of the laws')
            bad += 1
    print(f'# {len(seen)} law words, {bad} in fewer than {least} texts', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
