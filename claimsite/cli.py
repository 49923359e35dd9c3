"""Command line: ``python build.py check | build | serve | new | schema``."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import sys
import time
from pathlib import Path

from . import __version__, builder
from .config import load_config
from .diagnostics import ConfigError, ContentError, Diagnostic, use_colour
from .scaffold import write_skeleton


def github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub documents: nothing in it can end the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value (file=...): also ':' and ',' are escaped."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _print_diagnostics(items: list[Diagnostic], fmt: str, strict: bool) -> None:
    colour = use_colour(sys.stderr)
    for item in items:
        if fmt == "github":
            kind = "error" if item.severity == "error" or strict else "warning"
            message = item.message + (f" (hint: {item.hint})" if item.hint else "")
            location = f"file={github_property(item.path)}" + (f",line={item.line}" if item.line else "")
            print(f"::{kind} {location}::{github_data(message)}")
        else:
            print(item.format(strict=strict, colour=colour), file=sys.stderr)


def cmd_check(args) -> int:
    started = time.perf_counter()
    project, report = builder.check(args.root)
    items = report.sorted()
    _print_diagnostics(items, args.format, args.strict)
    errors = report.errors(strict=args.strict)
    # Count what the lines above are labelled: under --strict every warning is printed as an error.
    warnings = len(items) - len(errors)
    made = len(errors) - sum(1 for d in items if d.severity == "error")
    waiting = sum(1 for s in project.sources.values() if s.awaiting)
    summary = (f"checked {project.claim_file_count} claims, {len(project.sources)} sources"
               + (f" ({waiting} awaiting assessment)" if waiting else "") + f", {len(project.articles)} "
               f"articles in {time.perf_counter() - started:.2f} s: {len(errors)} error(s), {warnings} warning(s)"
               + (f" ({made} warning(s) counted as errors under --strict)" if made else ""))
    print(summary, file=sys.stderr)
    if not project.config.require_excerpts:
        missing = sum(1 for c in project.claims for e in c.evidence if not e.excerpt)
        unstored = {e.source for c in project.claims for e in c.evidence} - set(project.passages)
        if missing or unstored:
            print(f"excerpts not yet required (require_excerpts: false in review.yml): {missing} evidence "
                  f"entr{'y has' if missing == 1 else 'ies have'} no excerpt, {len(unstored)} cited source(s) have "
                  "no stored text; set require_excerpts: true to list them", file=sys.stderr)
    return 1 if errors else 0


def cmd_build(args) -> int:
    try:
        builder.build(args.root, args.site_dir, strict=args.strict, log=lambda m: print(m, file=sys.stderr))
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics, "text", args.strict)
        print(f"build failed: {len(exc.diagnostics)} problem(s); the previous site was left as it was",
              file=sys.stderr)
        return 1
    except builder.BuildFailed as exc:
        if exc.path is not None:
            print(exc, file=sys.stderr)
            print("build failed; the previous site was left as it was", file=sys.stderr)
        else:
            print(f"build failed: {exc}; the previous site was left as it was", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve

    root = Path(args.root).resolve()
    busy = _port_problem(args.dev_addr)
    if busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
    try:
        builder.load_mkdocs_config(root)
    except builder.BuildFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    project, report = builder.check(root)
    _print_diagnostics(report.sorted(), "text", False)
    if report.failed():
        print(f"the review has {len(report.errors())} error(s); the preview shows them until they are fixed, "
              "then builds the site", file=sys.stderr)
        builder._PRELOADED[str(root)] = (project, report)  # printed above: the first build does not repeat them
    import logging

    builder.show_mkdocs_log(logging.INFO)
    if not args.full:
        # A dirty rebuild re-renders only the pages whose inputs changed: an edited claim is served
        # again within about a second even in a large review. Listings and the search index may lag
        # until the next full build; `--full` rebuilds everything on every save.
        logging.getLogger("mkdocs.commands.build").addFilter(lambda r: "dirty" not in r.getMessage())
    try:
        serve(str(root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True, watch=[],
              build_type=None if args.full else "dirty")
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            print(f"error: cannot serve on {args.dev_addr}: {exc.strerror}; choose another with --dev-addr",
                  file=sys.stderr)
            return 1
        raise
    return 0


def _port_problem(address: str) -> str | None:
    """Why ``host:port`` cannot be served on (checked before the first build, which takes a while)."""
    import socket

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return f"--dev-addr must be HOST:PORT, e.g. 127.0.0.1:8000, not '{address}'"
    try:
        with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
            probe.bind((host.strip("[]"), int(port)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return (f"port {port} on {host} is already in use (another `serve` running?); stop it, or choose "
                    f"another port: --dev-addr {host}:{int(port) + 1}")
        return f"cannot serve on {address}: {exc.strerror}"
    return None


def _ask(prompt: str, choices: list[str] | None = None, check=None) -> str:
    """Ask on the terminal until the answer is acceptable."""
    while True:
        hint = f" [{', '.join(choices)}]" if choices else ""
        print(f"{prompt}{hint}: ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            raise ValueError("no answer given (end of input)")
        answer = line.strip()
        problem = None
        if not answer:
            problem = "an answer is needed"
        elif choices and answer not in choices:
            problem = f"choose one of: {', '.join(choices)}"
        elif check:
            problem = check(answer)
        if not problem:
            return answer
        print(f"  {problem}", file=sys.stderr)


def _prompt_missing(args, config) -> None:
    from .scaffold import quote_problem

    if not args.topic:
        args.topic = _ask("Topic", [t.id for t in config.topics])
    if not args.article:
        articles = sorted(p.stem for p in config.articles_dir.glob("*.y*ml")) if config.articles_dir.is_dir() else []
        args.article = _ask("Article the claim comes from", articles or None)
    if not args.quote:
        args.quote = _ask("Short verbatim quote from the article", check=lambda q: quote_problem(config, args.article, q))
    if not args.claim:
        args.claim = _ask("The claim as one neutral sentence")


def cmd_new(args) -> int:
    from .scaffold import check_new_id

    root = Path(args.root).resolve()
    config = load_config(root)
    try:
        check_new_id(config, args.id, force=args.force)  # before any question: a bad or taken id says so first
        missing = [f"--{name}" for name in ("topic", "article", "quote") if not getattr(args, name)]
        if args.interactive or (missing and sys.stdin.isatty()):
            _prompt_missing(args, config)
        elif missing:
            raise ValueError(f"{', '.join(missing)} needed: not on a terminal, so nothing can be asked "
                             f"(give them as options, or run on a terminal or with --interactive)")
        path = write_skeleton(config, args.id, topic=args.topic, article=args.article, quote=args.quote,
                              claim=args.claim, force=args.force, today=dt.date.today())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(root)}: fill in the parts marked TODO, then run `python build.py check`",
          file=sys.stderr)
    return 0


def cmd_source(args) -> int:
    from .scaffold import write_source_skeleton

    root = Path(args.root).resolve()
    config = load_config(root)
    try:
        path, key = write_source_skeleton(config, doi=args.doi, pmid=args.pmid, url=args.url, file=args.file,
                                          today=dt.date.today())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"added '{key}' to {path.relative_to(root)}: look the record up (PubMed, the DOI's landing page or the "
          "agency's page), fill in every TODO from what you see there, rename the key, and say in 'verified' "
          "where you saw it; then run `python build.py check`", file=sys.stderr)
    return 0


def cmd_links(args) -> int:
    from .diagnostics import Diagnostic
    from .external import Offline, check_all

    project, report = builder.check(args.root)
    sources = sorted(project.sources.values(), key=lambda s: s.key)
    print(f"checking the DOIs, PMIDs and URLs of {len(sources)} sources ...", file=sys.stderr)
    try:
        findings, unchecked = check_all(sources, timeout=args.timeout, deadline=args.deadline)
    except Offline as exc:
        print(f"error: no network: {exc}; nothing was checked\n    hint: run `links` where the internet can be "
              "reached (CI runs it weekly)", file=sys.stderr)
        return 2
    items = [Diagnostic(f.source.path, f.source.field_lines.get(f.field, f.source.line), f.message,
                        severity="warning") for f in findings]
    _print_diagnostics(sorted(items), args.format, False)
    print(f"{len(findings)} problem(s) in {len(sources) - len(unchecked)} sources", file=sys.stderr)
    if unchecked:
        print(f"error: stopped at the {args.deadline:.0f} s deadline: {len(unchecked)} of {len(sources)} sources "
              f"not checked (first: {unchecked[0].key})\n    hint: raise --deadline, or run again later",
              file=sys.stderr)
        return 2
    return 1 if findings and args.fail else 0


def cmd_schema(args) -> int:
    from .schema import claim_schema

    config = load_config(Path(args.root))
    text = json.dumps(claim_schema(config.enums()), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_init(args) -> int:
    from .starter import init_review

    target = Path(args.dir)
    try:
        written = init_review(target)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote a new review in {target} ({len(written)} files and the templates): an example claim, source, "
          f"article and pages to replace with your own. Next: cd {target} && python build.py check --strict",
          file=sys.stderr)
    return 0


def cmd_reference(args) -> int:
    from .reference import REFERENCE_PATH, SCHEMA_COPY, write_generated

    root = Path(args.root).resolve()
    written = write_generated(load_config(root))
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}", file=sys.stderr)
    if not written:
        print(f"{REFERENCE_PATH} and {SCHEMA_COPY} are up to date", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    root_help = "folder holding review.yml and mkdocs.yml (default: the current folder)"
    common = argparse.ArgumentParser(add_help=False)  # --root is accepted after the subcommand too
    common.add_argument("--root", default=argparse.SUPPRESS, help=root_help)
    p = argparse.ArgumentParser(prog="build.py", description="Check and build an evidence-review site.")
    p.add_argument("--root", default=".", help=root_help)
    p.add_argument("--version", action="version", version=f"claimsite {__version__}",
                   help="print the version of claimsite and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    c = command("check", "validate claims, sources and articles; exit 1 on errors")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors (as CI does)")
    c.add_argument("--format", choices=["text", "github"], default="text",
                   help="text (default): path:line: message lines; github: GitHub Actions annotations")
    c.set_defaults(func=cmd_check)
    b = command("build", "check, then build the site atomically")
    b.add_argument("--strict", action="store_true", help="fail on warnings")
    b.add_argument("--site-dir", default=None, help="output folder (default: site_dir of mkdocs.yml)")
    b.set_defaults(func=cmd_build)
    s = command("serve", "preview with live reload; errors show in the browser until fixed")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                   help="address to serve on (default: 127.0.0.1:8000)")
    s.add_argument("--full", action="store_true", help="rebuild every page on every save (slower in large reviews)")
    s.set_defaults(func=cmd_serve)
    n = command("new", "write a claim skeleton to fill in")
    n.add_argument("id", help="the claim id: lowercase words joined by hyphens")
    n.add_argument("--topic", help="topic id from review.yml")
    n.add_argument("--article", help="id of the reviewed article the claim comes from")
    n.add_argument("--quote", help="short verbatim quote from the article")
    n.add_argument("--claim", help="the claim as one neutral sentence")
    n.add_argument("--force", action="store_true", help="overwrite an existing file")
    n.add_argument("--interactive", action="store_true",
                   help="ask for whatever is missing (the default on a terminal)")
    n.set_defaults(func=cmd_new)
    so = command("source", "start a BibTeX entry from a DOI, PMID or agency URL (offline skeleton)")
    group = so.add_mutually_exclusive_group(required=True)
    group.add_argument("--doi", help="a DOI, e.g. 10.1000/xyz123 (https://doi.org/ and doi: prefixes are removed)")
    group.add_argument("--pmid", help="a PubMed id: digits only, e.g. 12345678")
    group.add_argument("--url", help="an agency or regulator page")
    so.add_argument("--file", default="new-sources.bib", help="file in sources/ to append to (default: new-sources.bib)")
    so.set_defaults(func=cmd_source)
    li = command("links", "resolve every DOI, PMID and URL, and look for retractions (needs network)")
    li.add_argument("--format", choices=["text", "github"], default="text",
                    help="text (default): path:line: message lines; github: GitHub Actions annotations")
    li.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                    help="seconds to wait for each address (default: 20)")
    li.add_argument("--deadline", type=float, default=600.0, metavar="SECONDS",
                    help="seconds for the whole check; what is left is named, and the exit status is 2 (default: 600)")
    li.add_argument("--fail", action="store_true", help="exit 1 when a problem is found")
    li.set_defaults(func=cmd_links)
    ini = command("init", "write a complete new review (an example to replace) into a new folder")
    ini.add_argument("dir", help="folder to create (it must not exist, or be empty)")
    ini.set_defaults(func=cmd_init)
    rf = command("reference", "regenerate the claim-format reference (content/format.md) and the editors' "
                 "schema (schema/claim.schema.json) from the claim schema and review.yml")
    rf.set_defaults(func=cmd_reference)
    sc = command("schema", "write the claim JSON Schema (for editors)")
    sc.add_argument("--output", default="-", help="file to write, or - for standard output (default)")
    sc.set_defaults(func=cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
