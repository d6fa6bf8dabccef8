#!/usr/bin/env python3
"""Generates the change-set benchmark repository with git fast-import.

main: FILES files of about 12 lines each, spread over nested directories.
feature: CHANGED of them modified, with ADDED_LINES lines added in total: at the end of each file
(EDIT=append, the default), in its middle (EDIT=insert), or in its middle with two of its lines
rewritten (EDIT=replace, which needs a real line diff).
Deterministic: the same arguments give the same repository.
"""
import subprocess
import sys


def blob_lines(index, extra=0, edit="append"):
    lines = [f"# module {index}", f"def handler_{index}(request):"]
    lines += [f"    value_{n} = compute({index}, {n})" for n in range(9)]
    lines.append(f"    return value_{index % 9}")
    added = [f"    audit_{index}_{n} = record({n}, 'added line {n} of file {index}')" for n in range(extra)]
    at = len(lines) if edit == "append" else 6
    if edit == "replace" and extra:
        lines[3] = f"    value_1 = recompute({index}, 1)"
        lines[8] = f"    value_6 = recompute({index}, 6)"
    lines[at:at] = added
    return ("\n".join(lines) + "\n").encode()


def path_of(index):
    return f"src/pkg{index % 100:02d}/sub{(index // 100) % 50:02d}/file_{index:06d}.py"


def main():
    target, files, changed, added = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    edit = sys.argv[5] if len(sys.argv) > 5 else "append"
    subprocess.run(["git", "init", "-q", "-b", "main", target], check=True)
    proc = subprocess.Popen(["git", "-C", target, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = proc.stdin
    when = "1767225600 +0000"

    def commit(ref, message, entries, parent=None):
        out.write(f"commit {ref}\n".encode())
        out.write(f"author Bench <bench@example.com> {when}\n".encode())
        out.write(f"committer Bench <bench@example.com> {when}\n".encode())
        data = message.encode()
        out.write(f"data {len(data)}\n".encode() + data + b"\n")
        if parent:
            out.write(f"from {parent}\n".encode())
        for path, content in entries:
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(f"data {len(content)}\n".encode() + content + b"\n")
        out.write(b"\n")

    commit("refs/heads/main", "base", ((path_of(i), blob_lines(i)) for i in range(files)))
    per_file = added // changed
    step = max(1, files // changed)
    commit("refs/heads/feature", "change", ((path_of(i * step), blob_lines(i * step, per_file, edit))
                                           for i in range(changed)), parent="refs/heads/main")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", target, "checkout", "-q", "feature"], check=True)


if __name__ == "__main__":
    main()
