#!/usr/bin/env python3
"""Finds circles between the source files of each crate.

A file depends on another when it names a path into it (`use crate::a::b`,
`crate::a::f()`, `super::x`, `self::child`, grouped `use` trees included). A path is
resolved to the deepest module that has a file of its own, and each dependency is
lifted to the two sibling modules under the common parent (a folder counts as one
module; a child naming its parent, or a parent its child, is no circle). Test modules (from the first
`#[cfg(test)]` on) are left out. Prints one line per circle; exit status 1 if any.
"""

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_of(src: Path, f: Path):
    rel = f.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("lib", "main", "mod"):
        parts = parts[:-1]
    return tuple(parts)


def expand(tree: str):
    """Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths."""
    tree = tree.strip()
    depth = 0
    for i, ch in enumerate(tree):
        if ch == "{" and depth == 0:
            prefix = tree[:i].rstrip(":").strip()
            if "}" not in tree:
                return []
            inner = tree[i + 1 : tree.rindex("}")]
            out, level, start = [], 0, 0
            for j, c in enumerate(inner):
                if c == "{":
                    level += 1
                elif c == "}":
                    level -= 1
                elif c == "," and level == 0:
                    out.append(inner[start:j])
                    start = j + 1
            out.append(inner[start:])
            paths = []
            for part in out:
                if part.strip():
                    for p in expand(part):
                        paths.append(prefix + "::" + p if prefix else p)
            return paths
    return [re.split(r"\s+as\s+", tree)[0].strip()]


def paths_in(text: str):
    text = re.sub(r"//[^\n]*", "", text)
    found = []
    for m in re.finditer(
        r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text, re.M
    ):
        found.extend(expand(m.group(1)))
    for m in re.finditer(rf"\b((?:crate|super|self)(?:::{IDENT})+)", text):
        found.append(m.group(1))
    return found


def resolve(path: str, here: tuple, is_mod: bool, modules: set):
    parts = [p for p in path.split("::") if p]
    if not parts:
        return None
    base = list(here) if is_mod else list(here)
    if parts[0] == "crate":
        base, parts = [], parts[1:]
    elif parts[0] in ("super", "self"):
        # The module this file is: `here`; its parent for `super`.
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
    elif here + (parts[0],) in modules:
        # A path into a child module, named without `self::`.
        pass
    else:
        return None
    best = None
    for n in range(len(parts) + 1):
        cand = tuple(base + parts[:n])
        if cand in modules:
            best = cand
    return best


def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            strong(v)
    return out


def reexports(text: str, modules: set):
    """The crate root's `pub use` re-exports: name -> the module that defines it."""
    out = {}
    for m in re.finditer(r"^\s*pub\s+use\s+([^;]+);", text, re.M):
        for p in expand(m.group(1)):
            parts = [x for x in p.split("::") if x and x not in ("crate", "self")]
            if len(parts) < 2:
                continue
            name = re.split(r"\s+as\s+", p)[-1].split("::")[-1].strip()
            target = resolve("crate::" + "::".join(parts[:-1]), (), True, modules)
            if target:
                out[name] = target
    return out


def main(root: str) -> int:
    bad = 0
    for src in sorted(Path(root).glob("*/src")):
        files = {module_of(src, f): f for f in src.rglob("*.rs")}
        modules = set(files)
        graph, why = {}, {}
        root_text = files[()].read_text() if () in files else ""
        names = reexports(root_text, modules)
        for mod, f in files.items():
            text = f.read_text()
            cut = text.find("#[cfg(test)]")
            if cut >= 0:
                text = text[:cut]
            if mod == ():
                # The crate root's re-exports are its public face, not a dependency.
                text = re.sub(r"^\s*pub\s+use\s+[^;]+;", "", text, flags=re.M)
            deps = set()
            for p in paths_in(text):
                target = resolve(p, mod, f.stem in ("mod", "lib", "main"), modules)
                if target == () and mod != ():
                    last = p.split("::")[-1]
                    target = names.get(last, ())
                if target is None or target == mod:
                    continue
                # Lift the edge to the siblings under the two modules' common parent
                # (a folder counts as one): a child naming its parent's types, or a
                # folder's face routing to its children, is no circle.
                n = 0
                while n < min(len(mod), len(target)) and mod[n] == target[n]:
                    n += 1
                if n == len(mod) or n == len(target):
                    continue
                edge = (mod[: n + 1], target[: n + 1])
                graph.setdefault(edge[0], set()).add(edge[1])
                why.setdefault(edge, f"{f.relative_to(src)}: {p}")
        for comp in cycles(graph):
            bad = 1
            crate = src.parent.name
            names = ", ".join(crate + "::" + ("::".join(m) or "(root)") for m in comp)
            print(f"circle: {names}")
            for edge, example in sorted(why.items()):
                if edge[0] in comp and edge[1] in comp:
                    print(f"    {example}")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "crates"))
