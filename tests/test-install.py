#!/usr/bin/env python3
"""`meson install --destdir` into a scratch directory, then check that every
file a desktop needs landed where it looks for it, and that the files agree
with each other (the desktop entry names the installed icon, the metainfo
launches the installed desktop entry, the schema compiles, the MIME package
registers *.sockbench).

Usage: test-install.py --meson MESON --build-dir DIR --prefix /usr/local
                       --bindir bin --datadir share --mandir share/man
                       --app-id ID

Installs with --no-rebuild: meson test has built everything already, and a
ninja run from inside a test could race the build. meson install runs no
tests, and the gnome.post_install scripts skip themselves under a DESTDIR.
"""

import argparse
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


class Checks:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, label, detail=""):
        self.n += 1
        if ok:
            print(f"ok {self.n} - {label}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {label}")
            if detail:
                for line in str(detail).splitlines():
                    print(f"#   {line}")
        return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--meson", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--datadir", required=True)
    ap.add_argument("--mandir", required=True)
    ap.add_argument("--app-id", required=True)
    args = ap.parse_args()

    app_id = args.app_id
    t = Checks()

    with tempfile.TemporaryDirectory(prefix="sockbench-install-") as destdir:
        env = dict(os.environ)
        # a DESTDIR from outside would be joined with ours
        env.pop("DESTDIR", None)
        proc = subprocess.run(
            [args.meson, "install", "-C", args.build_dir, "--no-rebuild",
             "--destdir", destdir, "--quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=env, check=False)
        output = proc.stdout.decode("utf-8", "replace")
        if not t.check(proc.returncode == 0, "meson install --destdir", output):
            print(f"1..{t.n}")
            return 1

        def under(*parts):
            # prefix and dirs may be absolute; DESTDIR is prepended to the full path
            path = os.path.join(args.prefix, *parts)
            return os.path.join(destdir, path.lstrip("/"))

        share = lambda *p: under(args.datadir, *p)  # noqa: E731

        bins = {name: under(args.bindir, name) for name in ("sockbench", "sockbench-cli")}
        files = {
            "desktop entry": share("applications", app_id + ".desktop"),
            "metainfo": share("metainfo", app_id + ".metainfo.xml"),
            "app icon": share("icons", "hicolor", "scalable", "apps", app_id + ".svg"),
            "symbolic icon": share("icons", "hicolor", "symbolic", "apps", app_id + "-symbolic.svg"),
            "GSettings schema": share("glib-2.0", "schemas", app_id + ".gschema.xml"),
            "MIME package": share("mime", "packages", app_id + ".mime.xml"),
            "sockbench(1)": under(args.mandir, "man1", "sockbench.1"),
            "sockbench-cli(1)": under(args.mandir, "man1", "sockbench-cli.1"),
        }

        for name, path in bins.items():
            t.check(os.path.isfile(path) and os.access(path, os.X_OK),
                    f"{name} installed and executable", path)
        for label, path in files.items():
            t.check(os.path.isfile(path) and os.path.getsize(path) > 0,
                    f"{label} installed", path)

        # The desktop entry points at the installed binary and icon.
        desktop = configparser.ConfigParser(interpolation=None, strict=False)
        desktop.optionxform = str
        try:
            desktop.read(files["desktop entry"], encoding="utf-8")
            entry = desktop["Desktop Entry"]
            exec_bin = entry.get("Exec", "").split()[0] if entry.get("Exec") else ""
            t.check(exec_bin == "sockbench", "Exec= runs sockbench", entry.get("Exec"))
            t.check(entry.get("Icon") == app_id, "Icon= is the installed icon", entry.get("Icon"))
            t.check("application/x-sockbench-session" in entry.get("MimeType", "").split(";"),
                    "MimeType= names the session type", entry.get("MimeType"))
        except (KeyError, configparser.Error) as e:
            t.check(False, "desktop entry parses", e)

        # The metainfo launches the desktop entry and has the project's id.
        try:
            root = ET.parse(files["metainfo"]).getroot()
            t.check(root.findtext("id") == app_id, "metainfo <id> is the app id", root.findtext("id"))
            launchable = root.findtext("launchable")
            t.check(launchable == app_id + ".desktop"
                    and os.path.isfile(share("applications", launchable or "")),
                    "metainfo <launchable> is the installed desktop entry", launchable)
            binaries = {b.text for b in root.iter("binary")}
            t.check(binaries == set(bins), "metainfo <provides> lists both binaries", binaries)
        except (OSError, ET.ParseError) as e:
            t.check(False, "metainfo parses", e)

        # The installed schema compiles on its own.
        compile_schemas = shutil.which("glib-compile-schemas")
        if compile_schemas:
            proc = subprocess.run([compile_schemas, "--strict", "--dry-run",
                                   os.path.dirname(files["GSettings schema"])],
                                  capture_output=True, check=False)
            t.check(proc.returncode == 0, "installed schema compiles",
                    proc.stderr.decode("utf-8", "replace"))

        # update-mime-database on the installed package registers the glob.
        update_mime = shutil.which("update-mime-database")
        if update_mime:
            mime_dir = share("mime")
            proc = subprocess.run([update_mime, mime_dir], capture_output=True, check=False)
            globs = ""
            try:
                with open(os.path.join(mime_dir, "globs2"), encoding="utf-8") as f:
                    globs = f.read()
            except OSError:
                pass
            t.check(proc.returncode == 0 and "application/x-sockbench-session:*.sockbench" in globs,
                    "update-mime-database registers *.sockbench",
                    proc.stderr.decode("utf-8", "replace") + globs)

            # The magic: a session saved without its extension is still one.
            gio = shutil.which("gio")
            if gio and proc.returncode == 0:
                session = os.path.join(destdir, "session-without-extension")
                with open(session, "w", encoding="utf-8") as f:
                    f.write('{\n  "format" : "sockbench-session",\n  "version" : 1,\n  "sockets" : []\n}\n')
                sniff_env = dict(env, XDG_DATA_DIRS=share() + os.pathsep
                                 + env.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share"),
                                 XDG_DATA_HOME=os.path.join(destdir, "no-data-home"))
                proc = subprocess.run([gio, "info", "-a", "standard::content-type", session],
                                      capture_output=True, env=sniff_env, check=False)
                out = proc.stdout.decode("utf-8", "replace")
                t.check("application/x-sockbench-session" in out,
                        "the magic recognises a session file without its extension",
                        out + proc.stderr.decode("utf-8", "replace"))

    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
