"""Import names -> installed distributions and versions, and the installed dependency closure,
read from the environment this code runs in (runs INSIDE the kernel, or in the CLI's own
process through :func:`local_environment`).

The kernel may run another Python environment than the server, so this is resolved where the
code runs: ``importlib.metadata.packages_distributions()`` (or the same inference on Python
< 3.10) and ``importlib.metadata.version``. Sent as text by ``server/probe.py``; standard
library only (``packaging`` is used for markers when the environment has it), Python >= 3.8
syntax, no annotations and no ``from __future__`` (texts are concatenated).

It reads no user object. ``importlib.metadata`` consults the kernel's ``sys.meta_path`` finders
and distribution metadata on disk, which is what "the kernel's environment" means; like any
library code it runs with the interpreter's builtins as they are (the namespace probe, which
touches user objects, checks the builtins it calls; this request does not pretend to).

Where a distribution came from is read from its ``direct_url.json`` (PEP 610), a metadata file
pip writes for what it installs from a URL or a folder: read as a file, never imported.
"""

import contextlib
import json
import re
import sys


def _metadata():
    """``importlib.metadata`` (or its backport), or None."""
    try:
        import importlib.metadata as md
    except ImportError:
        try:
            import importlib_metadata as md
        except ImportError:
            return None
    return md


def _top_level_names(md):
    """Top-level import name -> distribution names, as ``packages_distributions()`` infers it."""
    packages_distributions = getattr(md, "packages_distributions", None)
    if packages_distributions is not None:
        return packages_distributions()
    # Python < 3.10: the same inference
    mapping = {}
    for dist in md.distributions():
        # one broken distribution must not void the rest
        with contextlib.suppress(Exception):
            name = dist.metadata["Name"]
            for top in _provides(dist):
                mapping.setdefault(top, []).append(name)
    return mapping


def _provides(dist):
    """The top-level names a distribution installs (top_level.txt, else its file list)."""
    tops = (dist.read_text("top_level.txt") or "").split()
    if not tops:
        for f in dist.files or ():
            parts = f.parts
            if len(parts) > 1:
                if not (parts[0].endswith((".dist-info", ".egg-info")) or parts[0] == ".."):
                    tops.append(parts[0])
            elif f.suffix == ".py":
                tops.append(f.stem)
    return set(tops)


def distributions(modules):
    """``{"distributions": {module: [[distribution, version], ...]}}`` for import names.

    A dotted name is resolved by its top-level package; standard-library modules and modules no
    installed distribution provides map to ``[]``. ``error`` says why nothing was resolved.
    """
    md = _metadata()
    if md is None:
        return {
            "v": 1,
            "error": "importlib.metadata is not available in the kernel",
            "distributions": {},
        }
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    mapping = _top_level_names(md)
    versions = {}
    out = {}
    for module in modules:
        top = module.split(".")[0]
        found = []
        if top and top not in stdlib:
            seen = set()
            for dist in mapping.get(top, ()):
                if not isinstance(dist, str) or dist in seen:
                    continue
                seen.add(dist)
                if dist not in versions:
                    try:
                        versions[dist] = md.version(dist)
                    except Exception:  # noqa: BLE001 - metadata without a version
                        versions[dist] = None
                if versions[dist] is not None:
                    found.append([dist, versions[dist]])
        out[module] = found
    return {"v": 1, "error": None, "distributions": out}


def environment(modules, dists, closure):
    """What freeze pins: versions for ``modules`` (through their distributions) and for the
    installed names ``dists``, plus the installed dependency closure of all of them when
    ``closure`` is true (else ``closure`` is None)."""
    found = distributions(modules)
    md = _metadata()
    versions = {}
    for name in dists:
        try:
            versions[name] = [md.distribution(name).metadata["Name"], md.version(name)]
        except Exception:  # noqa: BLE001 - not installed (or no metadata module): no pin
            versions[name] = None
    lock = None
    if closure and md is not None:
        roots = [pair[0] for pairs in found["distributions"].values() for pair in pairs]
        roots += [pair[0] for pair in versions.values() if pair]
        lock = _closure(md, roots)
    return {
        "v": 1,
        "error": found.get("error"),
        "modules": found["distributions"],
        "versions": versions,
        "closure": lock,
        "sources": _sources(md, found["distributions"], versions, lock),
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "python_version": ".".join(map(str, sys.version_info[:3])),
    }


def _sources(md, modules, versions, lock):
    """``{distribution: where it was installed from}`` for the distributions the answer gives a
    version of, when their ``direct_url.json`` says: ``"git+https://…/pkg@<commit>"`` (a
    repository), ``"https://…/pkg-1.0.tar.gz#sha256=…"`` (an archive), as ``pip freeze`` writes
    them after ``pkg @``; ``"local"`` for a folder or a ``file:`` URL. Installed from the package
    index (no such file): not listed."""
    if md is None:
        return {}
    names = [pair[0] for pairs in modules.values() for pair in pairs]
    names += [pair[0] for pair in versions.values() if pair]
    names += [pair[0] for pair in lock or ()]
    out = {}
    for name in names:
        if name not in out:
            out[name] = _source(md, name)
    return {name: source for name, source in out.items() if source is not None}


def _source(md, name):
    """Where ``name`` was installed from (see :func:`_sources`), or None."""
    dist = _installed(md, name)
    if dist is None:
        return None
    try:
        data = json.loads(dist.read_text("direct_url.json") or "null")
    except Exception:  # noqa: BLE001 - unreadable or not JSON: as if pip had written none
        return None
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        return None
    if isinstance(data.get("dir_info"), dict) or url.lower().startswith("file:"):
        return "local"
    vcs = data.get("vcs_info")
    archive = data.get("archive_info")
    fragments = []
    if isinstance(vcs, dict):
        kind, commit = vcs.get("vcs"), vcs.get("commit_id")
        if not (isinstance(kind, str) and kind and isinstance(commit, str) and commit):
            return None
        reference = kind + "+" + url + "@" + commit
    elif isinstance(archive, dict):
        reference = url
        if isinstance(archive.get("hash"), str) and archive["hash"]:
            fragments.append(archive["hash"])
    else:
        return None
    subdirectory = data.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        fragments.append("subdirectory=" + subdirectory)
    return reference + ("#" + "&".join(fragments) if fragments else "")


def local_environment(modules, dists, *, closure):
    """:func:`environment` of this process (the CLI, which has no kernel to ask)."""
    return environment(list(modules), list(dists), closure)


_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _marker_class():
    """``packaging``'s Marker (or pip's vendored copy), or None."""
    for where in ("packaging.markers", "pip._vendor.packaging.markers"):
        with contextlib.suppress(Exception):  # absent or broken: try the next one
            return __import__(where, fromlist=["Marker"]).Marker
    return None


def _closure(md, roots):
    """``[[name, version], ...]`` of ``roots`` and everything they require, installed here.

    Requirements whose markers do not hold here (another platform, an extra nobody asked for)
    are not followed; without ``packaging``, requirements with an ``extra`` marker are skipped
    and other markers are taken as true.
    """
    marker_class = _marker_class()
    seen = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        dist = _installed(md, name)
        if dist is None:  # not installed: nothing to pin or follow
            continue
        seen[key] = [dist.metadata["Name"], dist.version]
        for requirement in dist.requires or ():
            spec, _, marker = requirement.partition(";")
            marker = marker.strip()
            if marker and not _marker_holds(marker_class, marker):
                continue
            match = _NAME.match(spec)
            if match:
                todo.append(match.group(1))
    return sorted(seen.values(), key=lambda pair: pair[0].lower())


def _installed(md, name):
    try:
        return md.distribution(name)
    except Exception:  # noqa: BLE001 - not installed, or unreadable metadata
        return None


def _marker_holds(marker_class, marker):
    if marker_class is None:
        return "extra" not in marker
    try:
        return bool(marker_class(marker).evaluate({"extra": ""}))
    except Exception:  # noqa: BLE001 - an unparsable marker: do not follow it
        return False
