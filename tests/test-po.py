#!/usr/bin/env python3
"""Check the translations (TAP).

    test-po.py SOURCE_ROOT POTFILES.in PO_FILE...

For each PO file:
  - msgfmt --check accepts it (syntax, header, c-format placeholders,
    plural forms) and it has no untranslated or fuzzy message;
  - it is up to date with the sources: a .pot made afresh from POTFILES.in
    with xgettext (the arguments of meson's i18n glib preset, as
    `ninja sockbench-pot` runs it), merged into a copy of the PO file with
    msgmerge, leaves no message untranslated or fuzzy.
Also: every file listed in POTFILES.in exists, and every source, UI or data
file with translatable strings is listed there.

Nothing in the source tree is written; the fresh .pot and the merged copies
go to a temporary folder. A missing gettext tool is a failure, not a skip.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') arguments (mesonbuild/modules/i18n.py),
# plus the -k_ that meson's gettext helper adds.
XGETTEXT_GLIB_PRESET = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
    '-k_',
]

# what marks a file as having strings for translators
C_MARK = re.compile(r'\b(?:N?C?_|g_dngettext|g_dcgettext|g_dpgettext2)\s*\(\s*(?:GETTEXT_PACKAGE\s*,\s*)?"')
UI_MARK = re.compile(r'translatable="yes"')
SCHEMA_MARK = re.compile(r'<(?:summary|description)>')
DATA_IN_MARK = re.compile(r'(?m)^_?[A-Za-z]+=|<(?:name|summary|p|li|caption|keyword|developer_name)\b')

TOOLS = ('msgfmt', 'xgettext', 'msgmerge', 'msgattrib')

n = 0
failed = 0


def result(ok, name, detail=''):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n, name))
    for line in detail.rstrip('\n').splitlines():
        print('# ' + line)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def stats(po):
    """msgfmt --check --statistics: (ok, translated, fuzzy, untranslated, output)."""
    p = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po])
    out = p.stdout + p.stderr
    counts = {}
    for what in ('translated', 'fuzzy', 'untranslated'):
        m = re.search(r'(\d+) %s (?:message|translation)' % what, out)
        counts[what] = int(m.group(1)) if m else 0
    return p.returncode == 0, counts['translated'], counts['fuzzy'], counts['untranslated'], out


def msgids(po, *which):
    """The msgids that msgattrib selects (e.g. --untranslated, --only-fuzzy)."""
    p = run(['msgattrib', '--no-wrap', '--no-obsolete'] + list(which) + [po])
    if p.returncode != 0:
        return ['msgattrib failed: ' + p.stderr.strip()]
    ids = []
    current = None
    for line in p.stdout.splitlines():
        if line.startswith('msgid "'):
            current = [line[len('msgid "'):-1]]
            ids.append(current)
        elif current is not None and line.startswith('"'):
            current.append(line[1:-1])
        else:
            current = None
    return [i for i in (''.join(parts) for parts in ids) if i != '']


def check_counts(po, label):
    ok, tr, fz, un, out = stats(po)
    untranslated = msgids(po, '--untranslated')
    fuzzy = msgids(po, '--only-fuzzy')
    detail = out
    for i in untranslated:
        detail += 'untranslated: "%s"\n' % i
    for i in fuzzy:
        detail += 'fuzzy: "%s"\n' % i
    good = ok and fz == 0 and un == 0 and tr > 0 and not untranslated and not fuzzy
    result(good, '%s: %d translated, %d fuzzy, %d untranslated%s'
           % (label, tr, fz, un, '' if ok else ' (msgfmt --check failed)'), detail)


def potfiles_list(potfiles):
    files = []
    with open(potfiles, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                files.append(line)
    return files


def marked_files(root):
    found = []
    for top in ('src', 'ui', 'data'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if name.endswith('.c'):
                    mark = C_MARK
                elif name.endswith('.ui'):
                    mark = UI_MARK
                elif name.endswith('.gschema.xml'):
                    mark = SCHEMA_MARK
                elif name.endswith('.desktop.in') or name.endswith('.metainfo.xml.in'):
                    mark = DATA_IN_MARK
                else:
                    continue
                try:
                    with open(path, encoding='utf-8') as f:
                        if mark.search(f.read()):
                            found.append(rel)
                except (OSError, UnicodeDecodeError):
                    pass
    return found


def main():
    if len(sys.argv) < 4:
        print('usage: test-po.py SOURCE_ROOT POTFILES.in PO_FILE...', file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles = os.path.abspath(sys.argv[2])
    pos = [os.path.abspath(p) for p in sys.argv[3:]]

    missing = [t for t in TOOLS if shutil.which(t) is None]
    result(not missing, 'gettext tools: ' + ', '.join(TOOLS),
           'missing: %s (install the gettext package: build-aux/install-deps.sh)' % ', '.join(missing)
           if missing else '')
    if missing:
        print('1..%d' % n)
        return 1

    listed = potfiles_list(potfiles)
    absent = [f for f in listed if not os.path.isfile(os.path.join(root, f))]
    result(not absent, 'every file in POTFILES.in exists',
           ''.join('missing: %s\n' % f for f in absent))
    unlisted = [f for f in marked_files(root) if f not in listed]
    result(not unlisted, 'every file with translatable strings is in POTFILES.in',
           ''.join('not listed: %s\n' % f for f in unlisted))

    with tempfile.TemporaryDirectory(prefix='test-po-') as tmp:
        pot = os.path.join(tmp, 'fresh.pot')
        present = os.path.join(tmp, 'POTFILES')
        with open(present, 'w', encoding='utf-8') as f:
            f.write(''.join(p + '\n' for p in listed if p not in absent))
        p = run(['xgettext', '--package-name=sockbench', '-f', present, '-D', root,
                 '-o', pot] + XGETTEXT_GLIB_PRESET)
        made = p.returncode == 0 and os.path.isfile(pot)
        result(made, 'xgettext makes a fresh .pot from POTFILES.in', p.stderr)

        for po in pos:
            label = os.path.basename(po)
            if not os.path.isfile(po):
                result(False, '%s exists' % label)
                continue
            check_counts(po, label)
            if not made:
                result(False, '%s is up to date with the sources (no fresh .pot)' % label)
                continue
            merged = os.path.join(tmp, 'merged-' + label)
            p = run(['msgmerge', '--quiet', '-o', merged, po, pot])
            if p.returncode != 0:
                result(False, '%s merges with the fresh .pot' % label, p.stderr)
                continue
            check_counts(merged, '%s merged with the sources' % label)

    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
