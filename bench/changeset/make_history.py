#!/usr/bin/env python3
"""Generates a repository with a long, real-looking history for the change-set benchmark.

Usage: make_history.py TARGET [FILES] [COMMITS] [SEED]

refs/heads/base: FILES source files (default 8000) of 20 to 200 lines in nested directories.
refs/heads/main: COMMITS commits on top of base (default 1000), each a few edits of the kinds a
real project makes: files modified (lines inserted, rewritten, removed), added, deleted, moved
to another directory (same name or a new one), moved and edited (lightly, or so much that git no
longer calls it a rename), copied (exact or edited), whole directories moved, modes changed, and
symlinks added. With the defaults base...main changes about 3,000 files.
Deterministic: the same arguments give the same repository (fixed seed, fixed timestamps).
"""
import random
import subprocess
import sys

WORDS = ("state resource provider config plan apply module backend schema value diag "
         "block attr graph node walk eval context client request response error result "
         "cache store lock path name type count index source target output input").split()


class History:
    def __init__(self, rng):
        self.rng = rng
        self.files = {}  # path -> list of lines (bytes, no newline)
        self.serial = 0

    def line(self):
        r = self.rng
        self.serial += 1
        kind = r.random()
        a, b, c = r.choice(WORDS), r.choice(WORDS), r.choice(WORDS)
        if kind < 0.15:
            return b""
        if kind < 0.25:
            return f"\t// {a} {b} the {c} before {r.choice(WORDS)} ({self.serial})".encode()
        if kind < 0.35:
            return b"\t}"
        return f"\t{a}{b.title()} := {c}.{r.choice(WORDS).title()}({a}, {self.serial})".encode()

    def body(self, n):
        return [self.line() for _ in range(n)]

    def new_path(self, directory=None):
        r = self.rng
        if directory is None:
            directory = self.some_directory()
        self.serial += 1
        return f"{directory}/{r.choice(WORDS)}_{r.choice(WORDS)}_{self.serial}.go"

    def some_directory(self):
        r = self.rng
        return f"internal/{r.choice(WORDS)}{r.randrange(40)}/{r.choice(WORDS)}{r.randrange(8)}"

    def edit(self, lines, fraction):
        """Rewrites, inserts and removes about `fraction` of the lines."""
        r = self.rng
        lines = list(lines)
        for _ in range(max(1, int(len(lines) * fraction))):
            op = r.random()
            at = r.randrange(len(lines) + 1)
            if op < 0.5 or not lines:
                lines.insert(at, self.line())
            elif op < 0.8:
                lines[min(at, len(lines) - 1)] = self.line()
            else:
                del lines[min(at, len(lines) - 1)]
        return lines


def content(lines):
    return b"\n".join(lines) + b"\n"


def main():
    target = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    commits = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = random.Random(seed)
    history = History(rng)
    subprocess.run(["git", "init", "-q", "-b", "main", target], check=True)
    proc = subprocess.Popen(["git", "-C", target, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = proc.stdin
    clock = [1767225600]

    def commit(ref, message, changes, parent=None):
        clock[0] += 600
        when = f"{clock[0]} +0000"
        out.write(f"commit {ref}\n".encode())
        out.write(f"author Dev <dev@example.com> {when}\ncommitter Dev <dev@example.com> {when}\n".encode())
        data = message.encode()
        out.write(f"data {len(data)}\n".encode() + data + b"\n")
        if parent:
            out.write(f"from {parent}\n".encode())
        for change in changes:
            if change[0] == "D":
                out.write(f"D {change[1]}\n".encode())
            else:
                mode, path, data = change[1], change[2], change[3]
                out.write(f"M {mode} inline {path}\n".encode())
                out.write(f"data {len(data)}\n".encode() + data + b"\n")
        out.write(b"\n")

    base_changes = []
    for _ in range(files):
        path = history.new_path()
        history.files[path] = history.body(rng.randrange(20, 200))
        base_changes.append(("M", "100644", path, content(history.files[path])))
    commit("refs/heads/base", "base", base_changes)

    def pick():
        return rng.choice(sorted_paths)

    for number in range(commits):
        changes = []
        sorted_paths = sorted(history.files)
        for _ in range(rng.randrange(1, 7)):
            op = rng.random()
            path = pick()
            if path not in history.files:  # moved or deleted earlier in this commit
                continue
            lines = history.files[path]
            if op < 0.50:  # modified
                history.files[path] = history.edit(lines, rng.choice((0.02, 0.05, 0.2)))
                changes.append(("M", "100644", path, content(history.files[path])))
            elif op < 0.62:  # added
                new = history.new_path()
                history.files[new] = history.body(rng.randrange(10, 150))
                changes.append(("M", "100644", new, content(history.files[new])))
            elif op < 0.68:  # deleted
                del history.files[path]
                changes.append(("D", path))
            elif op < 0.90:  # moved: same or new name, exact, edited, or rewritten
                name = path.rsplit("/", 1)[1] if rng.random() < 0.6 else None
                directory = history.some_directory()
                new = f"{directory}/{name}" if name else history.new_path(directory)
                if new in history.files:
                    continue
                how = rng.random()
                fraction = 0 if how < 0.4 else 0.1 if how < 0.8 else 0.3 if how < 0.95 else 1.5
                moved = history.edit(lines, fraction) if fraction else lines
                del history.files[path]
                history.files[new] = moved
                changes += [("D", path), ("M", "100644", new, content(moved))]
            elif op < 0.96:  # copied, exact or edited
                new = history.new_path()
                copied = history.edit(lines, 0.1) if rng.random() < 0.6 else list(lines)
                history.files[new] = copied
                changes.append(("M", "100644", new, content(copied)))
            elif op < 0.99:  # a whole directory moved
                directory = path.rsplit("/", 1)[0]
                destination = history.some_directory() + f"_moved{number}"
                for old in [p for p in sorted_paths if p.rsplit("/", 1)[0] == directory]:
                    if old not in history.files:
                        continue
                    new = destination + "/" + old.rsplit("/", 1)[1]
                    history.files[new] = history.files.pop(old)
                    changes += [("D", old), ("M", "100644", new, content(history.files[new]))]
            elif op < 0.995:  # made executable
                changes.append(("M", "100755", path, content(lines)))
            else:  # a symlink next to it
                new = path + ".link"
                changes.append(("M", "120000", new, path.rsplit("/", 1)[1].encode()))
        commit("refs/heads/main", f"change {number}\n\nSigned-off-by: Dev <dev@example.com>\n",
               changes, parent="refs/heads/base" if number == 0 else None)
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    # Deltas as a clone from a server would have them.
    subprocess.run(["git", "-C", target, "repack", "-q", "-a", "-d", "-f", "--window=10",
                    "--depth=50"], check=True)
    subprocess.run(["git", "-C", target, "checkout", "-q", "main"], check=True)


if __name__ == "__main__":
    main()
