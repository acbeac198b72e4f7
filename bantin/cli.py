"""Command line: parse arguments, call the library, turn problems into messages and exit codes."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Callable

from . import __version__
from .i18n import LANGUAGES
from .messages import choose_language, language_from, msg, translate
from .pipeline import Options, build, check
from .problems import BuildFailed, InternalError, Problem, display_path, report_line, sort_key
from .source.config import read_language

EXIT_INTERNAL = 70  # sysexits EX_SOFTWARE: a bug, where 1 means problems in the content
from .dev.progress import progress_for, summary


Say = Callable[[str], str]  # a msg() in the language of the command line's help


def _content_args(parser: argparse.ArgumentParser, t: Say) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help=t(msg("content folder (default: content/)")))
    parser.add_argument("--strict", action="store_true", help=t(msg("treat statistics warnings as errors")))
    _lang_arg(parser, t)


def _lang_arg(parser: argparse.ArgumentParser, t: Say) -> None:
    parser.add_argument("--lang", choices=LANGUAGES,
                        help=t(msg("language of the messages (default: site.yaml's `language`, else LANG)")))


def language(args: argparse.Namespace) -> str:
    """The language to print messages in: --lang, else the site's, else the editor's locale."""
    return choose_language(args.lang, read_language(args.content))


def argv_language(argv: list[str]) -> str:
    """The language of a command line before it is parsed (for --help and argument errors)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    early.add_argument("--content", type=Path, default=Path("content"))
    known, _ = early.parse_known_args(argv)
    return choose_language(language_from(known.lang), read_language(known.content))


def _build_args(parser: argparse.ArgumentParser, t: Say) -> None:
    _content_args(parser, t)
    parser.add_argument("--out", type=Path, default=Path("site"), help=t(msg("output folder (default: site/)")))
    parser.add_argument("--templates", type=Path,
                        help=t(msg("the site's own templates (default: templates/ beside content/)")))
    parser.add_argument("--assets", type=Path, help=t(msg("the site's own assets (default: assets/ beside content/)")))
    parser.add_argument("--drafts", action="store_true",
                        help=t(msg("include drafts and future articles (previews)")))
    parser.add_argument("--jobs", type=partial(_jobs, t=t), default=0,
                        help=t(msg("worker processes (default: one per core)")))
    parser.add_argument("--base-url", help=t(msg("publish under this address instead of site.yaml's base_url")))
    parser.add_argument("--counts", type=Path, help=t(msg("counter snapshot (JSON from GET /api/export) to bake in")))
    parser.add_argument("--no-cache", action="store_true", help=t(msg(
        "render everything anew, ignoring .bantin-cache/ (Markdown and unchanged pages)")))
    parser.add_argument("--no-search", action="store_true",
                        help=t(msg("skip the full-text search index (faster previews)")))


def _jobs(text: str, t: Say = str) -> int:
    """--jobs: a whole number from 1 to 256 (0, the default, means one per core)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t(msg("`{text}` is not a whole number", text=text[:20]))) from None
    if not 0 <= value <= 256:
        raise argparse.ArgumentTypeError(t(msg("{value} is not between 1 and 256 (0: one per core)", value=value)))
    return value


def make_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The command line, its help in `lang` (argparse's own words, such as "usage", stay English)."""
    t: Say = partial(translate, language=lang)
    parser = argparse.ArgumentParser(prog="build.py", description=t(msg("bantin: build a party unit's news portal.")))
    parser.add_argument("--version", action="version", version=f"bantin {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _build_args(commands.add_parser("build", help=t(msg("build the site into site/"))), t)
    check_parser = commands.add_parser("check", help=t(msg("validate the content without writing anything")))
    _content_args(check_parser, t)
    check_parser.add_argument("--format", choices=("human", "json", "github"), default="human",
                              help=t(msg("human lines (default), JSON for tools, or GitHub Actions annotations")))
    serve = commands.add_parser("serve", help=t(msg("build, serve on localhost and rebuild on changes")))
    _build_args(serve, t)
    serve.add_argument("--host", default="127.0.0.1", help=t(msg("address to listen on (default: 127.0.0.1)")))
    serve.add_argument("--port", type=int, default=8000, help=t(msg("port of the preview (default: 8000)")))
    serve.add_argument("--counter-port", type=int, default=8787,
                       help=t(msg("port of the view counter (default: 8787)")))
    serve.add_argument("--counter-db", type=Path, default=Path("counter.sqlite3"),
                       help=t(msg("the counter's SQLite file (default: counter.sqlite3)")))
    serve.add_argument("--no-counter", action="store_true", help=t(msg("do not run the view counter")))
    _new_args(commands.add_parser("new", help=t(msg("create a new article or unit file with its fields filled in"))), t)
    from .counter import add_arguments
    add_arguments(commands.add_parser("counter", help=t(msg("run the view-counter service"))))
    return parser


def _new_args(parser: argparse.ArgumentParser, t: Say) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True)
    article = kinds.add_parser("article", help=t(msg("content/posts/YYYY/<slug>.md, dated now")))
    article.add_argument("title", help=t(msg('the title, e.g. "Hội nghị Ban Chấp hành Đảng bộ huyện"')))
    article.add_argument("--unit", help=t(msg("id of the unit the news is about")))
    article.add_argument("--category", help=t(msg("category id from site.yaml")))
    unit = kinds.add_parser("unit", help=t(msg("content/units/<slug>.yaml, beside its parent's file")))
    unit.add_argument("name", help=t(msg('the full name, e.g. "Chi bộ ấp Phú Hữu"')))
    unit.add_argument("--parent", help=t(msg("id of the unit above it")))
    unit.add_argument("--level", help="province | district | commune | branch")
    for sub in (article, unit):
        sub.add_argument("--content", type=Path, default=Path("content"),
                         help=t(msg("content folder (default: content/)")))
        _lang_arg(sub, t)


def options_from(args: argparse.Namespace, **overrides) -> Options:
    """Build options from parsed arguments; site templates/assets default to folders beside content/."""
    beside = args.content.resolve().parent
    templates = args.templates or (beside / "templates")
    assets = args.assets or (beside / "assets")
    cache = None if args.no_cache else args.out.resolve().parent / ".bantin-cache"
    values = dict(content=args.content, out=args.out, templates=templates if templates.is_dir() else None,
                  assets=assets if assets.is_dir() else None, drafts=args.drafts, jobs=args.jobs,
                  base_url=args.base_url, counts=args.counts, strict=args.strict, cache_dir=cache,
                  search=not args.no_search)
    values.update(overrides)
    return Options(**values)


def print_problems(problems: list[Problem], fmt: str = "human", stream=None, language: str = "en") -> None:
    """Problems in the chosen format and language: human lines, JSON for tools, or GitHub annotations."""
    stream = stream or sys.stderr  # looked up now, so a redirected stderr is honoured
    if fmt == "json":
        import json
        shown = [p.translated(language).as_dict() for p in problems]
        print(json.dumps(shown, ensure_ascii=False, indent=1), file=sys.stdout)
        return
    for p in problems:
        if fmt == "github":
            print(annotation(p.translated(language)), file=sys.stdout)
        else:
            print(report_line(p, language), file=stream)


def say(message: str, language: str) -> None:
    """One line for the editor on stderr, in `language`."""
    print(translate(message, language), file=sys.stderr)


def annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that marks the file and line in the pull request view."""
    kind = "error" if problem.severity == "error" else "warning"
    title = f"bantin: {problem.field}" if problem.field else "bantin"
    props = ",".join(f"{key}={_escape_property(value)}" for key, value in
                     (("file", problem.path), ("line", str(max(problem.line, 1))), ("title", title)))
    hint = f" ({problem.hint})" if problem.hint else ""
    return f"::{kind} {props}::{_escape_data(problem.message + hint)}"


def _escape_data(text: str) -> str:
    # GitHub's escaping for the message: without it a newline would end the command early.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Properties are also split on "," and ended by ":", so those are escaped too.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def cmd_build(args: argparse.Namespace) -> int:
    lang = language(args)
    try:
        report = build(options_from(args), progress_for(sys.stderr, language=lang))
    except BuildFailed as failed:
        print_problems(failed.problems, language=lang)
        say(msg("build failed: {count} problem(s); {out}/ was left as it was", count=len(failed.problems),
                out=str(args.out)), lang)
        return 1
    except InternalError as bug:
        print(bug.details, file=sys.stderr)  # the traceback stays as Python wrote it
        say(msg("internal error {where}: this is a bug in bantin, not in your content; {out}/ was left as it was",
                where=bug.where, out=str(args.out)), lang)
        return EXIT_INTERNAL
    print_problems(report.warnings, language=lang)
    print(summary(report, args.out, lang))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    content, problems = check(Options(content=args.content, out=Path("site"), strict=args.strict))
    lang = args.lang or (content.config.language if content else None) or language(args)
    problems = sorted(problems, key=sort_key)  # file order, so editors fix them top to bottom
    print_problems(problems, args.format, language=lang)
    errors = sum(p.severity == "error" for p in problems)
    if args.format != "json":  # JSON readers want stdout alone; the count goes to the log otherwise
        say(msg("{errors} error(s), {warnings} warning(s)", errors=errors, warnings=len(problems) - errors), lang)
    return 1 if errors else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .dev.serve import serve
    return serve(args, options_from(args))


def cmd_new(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone
    from .dev import scaffold
    try:
        catalog = scaffold.read_catalog(args.content)
        if args.kind == "article":
            new = scaffold.new_article(catalog, args.title, args.unit, args.category, datetime.now(timezone.utc))
        else:
            new = scaffold.new_unit(catalog, args.name, args.parent, args.level)
        path = scaffold.create(new)
    except scaffold.ScaffoldError as failed:
        print_problems(failed.problems, language=language(args))
        return 1
    print(translate(msg("created {path}", path=display_path(path)), language(args)))
    return 0


def cmd_counter(args: argparse.Namespace) -> int:
    from .counter import cli_main
    return cli_main(args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of build.py."""
    argv = sys.argv[1:] if argv is None else argv
    args = make_parser(argv_language(argv)).parse_args(argv)
    handler = {"build": cmd_build, "check": cmd_check, "serve": cmd_serve, "new": cmd_new, "counter": cmd_counter}
    return handler[args.command](args)
