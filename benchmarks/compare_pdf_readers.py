#!/usr/bin/env python3
"""benchmarks/compare_pdf_readers.py: poppler's pdftotext, MuPDF's mutool and
Gazette's PDF reader on the same typeset documents: time, and how many of the
source's Han (and Mongolian) characters each gives back in order.

Usage: compare_pdf_readers.py TEXTDIR PDFDIR [GAZETTE]
TEXTDIR and PDFDIR are what bench_index --pdf-files leaves in /tmp (text/ and
pdf/, the same stem in each); GAZETTE defaults to build/gazette."""
import difflib
import glob
import os
import re
import subprocess
import sys
import time

tdir, pdir = sys.argv[1], sys.argv[2]
gazette = sys.argv[3] if len(sys.argv) > 3 else 'build/gazette'


def han(s):
    return ''.join(re.findall(r'[\u3400-\u9fff\u1800-\u18af]', s))


def read_gazette(pdf):
    with open(pdf, 'rb') as f:
        out = subprocess.run([gazette, 'read-child', '1'], stdin=f, capture_output=True).stdout
    return out[12:].decode('utf-8', 'replace')  # [u32 status][u64 length] first


def run(cmd):
    return subprocess.run(cmd, capture_output=True).stdout.decode('utf-8', 'replace')


readers = {
    'pdftotext': lambda p: run(['pdftotext', '-enc', 'UTF-8', p, '-']),
    'mutool': lambda p: run(['mutool', 'draw', '-q', '-F', 'txt', '-o', '-', p]),
    'gazette': read_gazette,
}
for name, read in readers.items():
    total = matched = 0
    seconds = 0.0
    for pdf in sorted(glob.glob(os.path.join(pdir, '*.pdf'))):
        stem = os.path.basename(pdf)[:-4]
        src = glob.glob(os.path.join(tdir, stem + '.*'))[0]
        start = time.time()
        out = read(pdf)
        seconds += time.time() - start
        a, b = han(open(src, encoding='utf-8').read()), han(out)
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        matched += sum(m.size for m in sm.get_matching_blocks())
        total += len(a)
    print(f'{name}\t{seconds:.2f} s\t{matched}/{total} = {matched / total:.4f}')
