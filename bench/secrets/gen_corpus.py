#!/usr/bin/env python3
"""Writes a deterministic corpus of realistic source files (Python, JavaScript, Go, Java, C,
YAML, JSON, Markdown, shell) with a few planted secrets, for the secrets benchmark.

Usage: gen_corpus.py OUT_DIR SIZE_MB
Every run with the same arguments writes the same bytes (fixed seed). Files are ~64 KiB on
average; one secret is planted every ~2 MB. The planted count is printed on stdout."""
import os
import random
import sys

rng = random.Random(20240611)
WORDS = ("user account order item price total count index value result config request "
         "response client server handler cache queue event message status error retry "
         "timeout buffer stream record batch schema table column query filter update delete "
         "create session token_count password_policy secret_manager key_id auth_header "
         "api_version").split()
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def ident():
    return "_".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))


SENSITIVE = ("token", "password", "secret", "key", "auth")
PLAIN_WORDS = [w for w in WORDS if not any(s in w for s in SENSITIVE)]


def camel(words=WORDS):
    parts = [rng.choice(words).replace("_", "") for _ in range(rng.randint(1, 3))]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def sentence():
    return " ".join(rng.choice(WORDS).replace("_", " ") for _ in range(rng.randint(4, 12)))


def python_block():
    name = ident()
    lines = [f"def {name}({ident()}, {ident()}=None):", f'    """{sentence().capitalize()}."""']
    for _ in range(rng.randint(3, 10)):
        kind = rng.random()
        if kind < 0.3:
            lines.append(f"    {ident()} = {ident()}.get('{rng.choice(WORDS)}', {rng.randint(0, 999)})")
        elif kind < 0.5:
            lines.append(f"    if {ident()} > {rng.randint(1, 100)}:")
            lines.append(f"        logger.info('{sentence()} %s', {ident()})")
        elif kind < 0.65:
            lines.append(f"    # {sentence()}")
        elif kind < 0.8:
            lines.append(f"    checksum = '{rand(40, HEX)}'")
        else:
            lines.append(f"    return [{ident()} for {ident()} in {ident()} if {ident()}]")
    return lines + [""]


def js_block():
    lines = [f"export async function {camel()}({camel()}, {camel()}) {{"]
    for _ in range(rng.randint(3, 10)):
        kind = rng.random()
        if kind < 0.3:
            lines.append(f"  const {camel()} = await fetch(`/api/v1/{rng.choice(WORDS)}/${{{camel()}}}`);")
        elif kind < 0.5:
            lines.append(f"  // {sentence()}")
        elif kind < 0.7:
            lines.append(f"  const id = '{rand(8, HEX)}-{rand(4, HEX)}-{rand(4, HEX)}-{rand(4, HEX)}-{rand(12, HEX)}';")
        else:
            lines.append(f"  if (!{camel()}.{camel()}) throw new Error('{sentence()}');")
    return lines + ["}", ""]


def go_block():
    lines = [f"func {camel().capitalize()}(ctx context.Context, {camel()} string) error {{"]
    for _ in range(rng.randint(3, 10)):
        kind = rng.random()
        if kind < 0.4:
            lines.append(f"\t{camel()}, err := {camel()}.{camel().capitalize()}(ctx, \"{rng.choice(WORDS)}\")")
            lines.append("\tif err != nil {")
            lines.append(f"\t\treturn fmt.Errorf(\"{sentence()}: %w\", err)")
            lines.append("\t}")
        else:
            lines.append(f"\t// {sentence()}")
    return lines + ["\treturn nil", "}", ""]


def java_block():
    lines = [f"    public {rng.choice(['void', 'int', 'String'])} {camel()}(String {camel()}) {{"]
    for _ in range(rng.randint(3, 8)):
        lines.append(f"        {camel()}.{camel()}(\"{sentence()}\", {rng.randint(0, 99)});")
    return lines + ["    }", ""]


def c_block():
    lines = [f"static int {ident()}(const char *{ident()}, size_t {ident()}) {{"]
    for _ in range(rng.randint(3, 8)):
        lines.append(f"  if ({ident()}[{rng.randint(0, 64)}] == '{rng.choice('abcxyz')}') return -{rng.randint(1, 9)}; /* {sentence()} */")
    return lines + ["  return 0;", "}", ""]


def yaml_block():
    lines = [f"{ident()}:"]
    for _ in range(rng.randint(3, 10)):
        kind = rng.random()
        if kind < 0.2:
            lines.append(f"  image: registry.example.com/{rng.choice(WORDS)}:sha-{rand(12, HEX)}")
        elif kind < 0.35:
            lines.append(f"  password: ${{{ident().upper()}}}")
        else:
            lines.append(f"  {ident()}: {rng.choice(['true', 'false', str(rng.randint(0, 9999)), sentence()])}")
    return lines + [""]


def json_block():
    # Random values sit under plain names (ids, digests); names that say "token" or "password"
    # carry prose, as in real data: only the planted lines are secrets.
    fields = []
    for _ in range(rng.randint(3, 8)):
        if rng.random() < 0.5:
            fields.append(f'  "{camel()}": "{sentence()}"')
        else:
            fields.append(f'  "{camel(PLAIN_WORDS)}Id": "{rng.choice([rand(24), rand(40, HEX)])}"')
    return ["{", ",\n".join(fields), "}", ""]


def markdown_block():
    return [f"## {sentence().capitalize()}", "", sentence().capitalize() + ". " + sentence() + ".",
            "", f"- `{ident()}`: {sentence()}", f"- see https://docs.example.com/{rng.choice(WORDS)}", ""]


def shell_block():
    return [f"export {ident().upper()}=\"${{{ident().upper()}:-{rng.choice(WORDS)}}}\"",
            f"curl -fsS \"https://api.example.com/{rng.choice(WORDS)}\" -H \"Accept: application/json\"",
            f"echo \"{sentence()}\"", ""]


KINDS = [("py", python_block), ("js", js_block), ("go", go_block), ("java", java_block),
         ("c", c_block), ("yaml", yaml_block), ("json", json_block), ("md", markdown_block),
         ("sh", shell_block)]


def planted():
    return rng.choice([
        lambda: f"AWS_KEY = 'AKIA{rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}'",
        lambda: f"GITHUB_TOKEN=ghp_{rand(36)}",
        lambda: f"  stripe: sk_live_{rand(24)}",
        lambda: f"const slack = 'xoxb-{rand(12, '0123456789')}-{rand(12, '0123456789')}-{rand(24)}';",
        lambda: f"db_password = \"{rand(15)}7\"",
        lambda: f"url = 'postgres://app:{rand(16)}@db.internal:5432/app'",
        lambda: f"OPENAI_API_KEY=sk-proj-{rand(40)}T3BlbkFJ{rand(40)}",
    ])()


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    target = int(size_mb * 1_000_000)
    written = 0
    planted_count = 0
    next_plant = 2_000_000
    index = 0
    while written < target:
        ext, block = rng.choice(KINDS)
        directory = os.path.join(out, f"pkg{index // 200:04d}")
        os.makedirs(directory, exist_ok=True)
        lines = []
        size = 0
        goal = rng.randint(16_000, 112_000)
        while size < goal:
            for line in block():
                lines.append(line)
                size += len(line) + 1
            if written + size >= next_plant:
                lines.append(planted())
                planted_count += 1
                next_plant += 2_000_000
        data = "\n".join(lines) + "\n"
        with open(os.path.join(directory, f"file{index:06d}.{ext}"), "w") as f:
            f.write(data)
        written += len(data)
        index += 1
    print(planted_count)


if __name__ == "__main__":
    main()
