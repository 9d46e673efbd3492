#!/usr/bin/env python3
"""Candidate thesaurus lines from the laws' own definitions.

A law defines its words: 本法所称毒品，是指鸦片、海洛因、甲基苯丙胺（冰毒）、吗啡、
大麻、可卡因…; 本法所称近亲属，是指配偶、父母、子女…. A person asks about the
thing named in the list (海洛因, 兄弟姐妹), the law speaks of the word defined
(毒品, 近亲属). This script reads the laws and prints, for each definition
whose meaning begins with a list of short words, a line for
searcher/thesaurus.txt:

    鸦片/海洛因/吗啡/大麻/可卡因 => 毒品   # 刑法/刑法.md

It prints candidates, never edits the thesaurus: a person reviews them
(a list item may be too general to expand: 农业, 服务) and copies the good
ones under '# grown from the laws' definitions'. Words already on the left
of a thesaurus line, and words given by two definitions, are left out (the
thesaurus refuses a word given twice).

Usage: scripts/thesaurus-definitions.py [LAWS_DIR] [THESAURUS]
(defaults: ../shared/corpus/laws, searcher/thesaurus.txt)
"""
import os
import re
import sys

DEFINITION = re.compile(
    r'本(?:法|条例|办法|规定|解释|编|章)(?:所称|中)的?'
    r'(?P<word>[\u4e00-\u9fff]{2,10})，(?:是|系)指(?P<meaning>[^。；：]{2,200})')
# a list item: 2 to 6 Han characters, an optional （…） aside (甲基苯丙胺（冰毒）)
ITEM = re.compile(r'^(?P<item>[\u4e00-\u9fff]{2,6})(?:（(?P<aside>[\u4e00-\u9fff]{2,6})）)?$')
# where the list ends: 等, 以及, 及其, or the first comma
LIST_END = re.compile(r'等|以及|及其|，')
# characters that mark a phrase, not a word (a verb or a clause: 用于, 依法)
PHRASE = set('的于以对向在被把将')
# a meaning that begins with a verb describes, it does not list (从事…, 具有…)
VERB = re.compile(r'^(?:从事|具有|具备|通过|使用|按照|利用|由|扩建|调整|遵守|统筹|采用|有|非因|当事人|收集)')


def left_words(thesaurus):
    words = set()
    with open(thesaurus, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            if '=>' in line:
                words.update(w.strip() for w in line.split('=>', 1)[0].split('/'))
    return words


def items_of(meaning):
    """The list a meaning begins with (at least three items), or []."""
    if VERB.match(meaning):
        return []
    head = LIST_END.split(meaning, 1)[0]
    # the last item may be joined by 和 or 或者: 种植业、林业、畜牧业和渔业
    parts = re.split(r'、|和|或者', head)
    out = []
    for p in parts:
        m = ITEM.match(p)
        if not m or PHRASE & set(m.group('item')):
            return []
        out.append(m.group('item'))
        if m.group('aside'):
            out.append(m.group('aside'))
    return out if len(parts) >= 3 else []


def main():
    laws = sys.argv[1] if len(sys.argv) > 1 else '../shared/corpus/laws'
    thesaurus = sys.argv[2] if len(sys.argv) > 2 else 'searcher/thesaurus.txt'
    if not os.path.isdir(laws):
        sys.exit('thesaurus-definitions: %s: not a directory' % laws)
    try:
        taken = left_words(thesaurus)
    except OSError as e:
        sys.exit('thesaurus-definitions: %s: %s' % (thesaurus, e.strerror))
    found = {}  # defined word -> (items, source)
    # national texts first: a local regulation's definition only fills gaps
    for root, _, files in sorted(os.walk(laws), key=lambda w: ('DLC' in w[0], w[0])):
        for name in sorted(files):
            if not name.endswith('.md'):
                continue
            path = os.path.join(root, name)
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            for m in DEFINITION.finditer(text):
                items = [w for w in items_of(m.group('meaning')) if w != m.group('word')]
                if len(items) >= 2 and m.group('word') not in found:
                    found[m.group('word')] = (items, os.path.relpath(path, laws))
    # a word given by two definitions means two things: neither
    count = {}
    for items, _ in found.values():
        for w in set(items):
            count[w] = count.get(w, 0) + 1
    for word in sorted(found):
        items, source = found[word]
        keep = [w for w in dict.fromkeys(items) if count[w] == 1 and w not in taken]
        if len(keep) >= 2:
            print('%s => %s   # %s' % ('/'.join(keep), word, source))


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:  # the reader stopped early (| head)
        sys.stderr.close()
