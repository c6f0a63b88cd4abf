"""``monitoring``: the platform from a terminal or a CI job.

Credentials come from ``monitoring login`` (saved in ``$MONITORING_CONFIG``, default
``~/.config/monitoring/config.json``, mode 0600) or from ``MONITORING_URL`` and ``MONITORING_API_KEY``.
Tables for people, ``--json`` for scripts. Exit codes: 0 done; 1 an API or server error; 2 bad usage;
3 not authenticated or not allowed; 4 not found; 5 refused (validation or conflict); 6 a job that did
not complete (``jobs run --wait``); ``ping -- command`` exits with the command's own status.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from monitoring_api import errors
from monitoring_api.client import Client

EXIT_ERROR, EXIT_USAGE, EXIT_AUTH, EXIT_NOT_FOUND, EXIT_REFUSED, EXIT_JOB_FAILED = 1, 2, 3, 4, 5, 6
OUTPUT_CAP = 10_000  # bytes of a wrapped command's output sent as the ping body (the end of it)
COLUMNS = {
    "monitors": ("id", "name", "type", "status", "target"),
    "heartbeats": ("id", "name", "status", "last_ping_at", "ping_url"),
    "alerts": ("id", "severity", "status", "title", "triggered_at"),
    "jobs": ("id", "task_name", "status", "created_at", "finished_at"),
}
FINISHED = {"completed", "failed", "cancelled"}
PING_OPTIONS = {"--start", "--fail", "--exit", "--body", "--token", "-h", "--help"}


def config_path() -> Path:
    return Path(os.environ.get("MONITORING_CONFIG") or Path.home() / ".config" / "monitoring" / "config.json")


def load_config() -> dict[str, Any]:
    try:
        return json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}


def save_config(config: dict[str, Any]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(config, out, indent=2)


def client_from(args: argparse.Namespace) -> Client:
    config = load_config()
    url = args.url or os.environ.get("MONITORING_URL") or config.get("url") or "http://127.0.0.1:8000"
    api_key = args.api_key or os.environ.get("MONITORING_API_KEY") or config.get("api_key")
    if api_key:
        return Client(api_key=api_key, base_url=url)
    if config.get("refresh_token"):
        return Client(refresh_token=config["refresh_token"], base_url=url)
    raise errors.AuthenticationError("Not logged in: run `monitoring login` or set MONITORING_API_KEY.")


def remember_session(client: Client) -> None:
    """The server rotates refresh tokens: keep the newest one for the next command."""
    config = load_config()
    if (
        config.get("refresh_token")
        and client.refresh_token
        and client.refresh_token != config["refresh_token"]
    ):
        save_config({**config, "refresh_token": client.refresh_token})


# --- output ------------------------------------------------------------------------------------------------


def show(args: argparse.Namespace, data: Any, columns: tuple[str, ...] | None = None) -> None:
    if args.json or columns is None:
        print(json.dumps(data, indent=2, default=str))
        return
    rows = data if isinstance(data, list) else [data]
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def pairs(items: list[str]) -> dict[str, Any]:
    """``key=value`` words; values read as JSON when they parse (numbers, booleans, lists), else text."""
    fields: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"expected key=value, got {item!r}")
        try:
            fields[key] = json.loads(value)
        except ValueError:
            fields[key] = value
    return fields


# --- commands ----------------------------------------------------------------------------------------------


def cmd_login(args: argparse.Namespace) -> int:
    url = (args.url or os.environ.get("MONITORING_URL") or "http://127.0.0.1:8000").rstrip("/")
    api_key = args.login_key or args.api_key
    if api_key:
        Client(api_key=api_key, base_url=url).request("GET", "/monitors", params={"per_page": 1})  # proves it
        save_config({"url": url, "api_key": api_key})
        print(f"Logged in to {url} with an API key.")
        return 0
    if not args.username:
        raise ValueError("login: give --api-key, or --username (the password is asked for)")
    import getpass

    password = args.password or os.environ.get("MONITORING_PASSWORD") or getpass.getpass("Password: ")
    client = Client(username=args.username, password=password, base_url=url)
    client.token()
    save_config({"url": url, "username": args.username, "refresh_token": client.refresh_token})
    print(f"Logged in to {url} as {args.username}.")
    return 0


def cmd_list(args: argparse.Namespace, client: Client, resource: str) -> int:
    filters = {k: v for k, v in (("status", args.status), ("type", getattr(args, "type", None))) if v}
    if getattr(args, "severity", None):
        filters["severity"] = args.severity
    items = list(itertools.islice(getattr(client, resource).list(**filters), args.limit))
    show(args, items, COLUMNS[resource])
    return 0


def cmd_resource(args: argparse.Namespace, client: Client) -> int:
    resource, action = args.resource, args.action
    api = getattr(client, resource)
    if action == "list":
        return cmd_list(args, client, resource)
    if action == "get":
        show(args, api.get(args.id), COLUMNS[resource])
    elif action == "create":
        fields = pairs(args.fields)
        for key in ("name", "type", "target"):
            if getattr(args, key, None):
                fields[key] = getattr(args, key)
        show(args, api.create(**fields), COLUMNS[resource])
    elif action == "delete":
        api.delete(args.id)
        print(f"Deleted {resource[:-1]} {args.id}.")
    elif action in ("ack", "resolve"):
        body = {"notes": args.notes} if action == "ack" else {"resolution": args.notes}
        answer = api.acknowledge(args.id, **body) if action == "ack" else api.resolve(args.id, **body)
        show(args, answer.get("alert", answer), COLUMNS[resource])
    else:  # pause, resume
        answer = getattr(api, action)(args.id)
        show(
            args, answer.get(resource[:-1], answer) if isinstance(answer, dict) else answer, COLUMNS[resource]
        )
    return 0


def _task_id(client: Client, task: str) -> int:
    if task.isdigit():
        return int(task)
    for found in client.tasks.list(search=task):
        if found["name"] == task:
            return int(found["id"])
    raise errors.NotFound(f"No task named {task!r}.", code="not_found", status=404)


def cmd_jobs(args: argparse.Namespace, client: Client) -> int:
    if args.action == "list":
        return cmd_list(args, client, "jobs")
    if args.action == "get":
        show(args, client.jobs.get(args.id), COLUMNS["jobs"])
        return 0
    job = client.tasks.run(_task_id(client, args.task), task_arguments=pairs(args.arguments))["job"]
    if not args.wait:
        show(args, job, COLUMNS["jobs"])
        return 0
    job = wait_for_job(client, job, args.timeout)
    if args.json:
        show(args, job)
    else:
        if job.get("log"):
            sys.stdout.write(job["log"] if job["log"].endswith("\n") else job["log"] + "\n")
        print(f"job {job['id']}: {job['status']}", file=sys.stderr)
    return 0 if job["status"] == "completed" else EXIT_JOB_FAILED


def wait_for_job(client: Client, job: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Poll until the job finishes, with a spinner on a terminal (status changes otherwise)."""
    started, shown, spinner = time.monotonic(), None, itertools.cycle("|/-\\")
    tty = sys.stderr.isatty()
    while job["status"] not in FINISHED:
        if time.monotonic() - started > timeout:
            raise SystemExit(f"monitoring: job {job['id']} still {job['status']} after {timeout:.0f} s")
        if tty:
            print(
                f"\r{next(spinner)} job {job['id']}: {job['status']} ({time.monotonic() - started:.0f} s)",
                end="",
                file=sys.stderr,
                flush=True,
            )
        elif job["status"] != shown:
            print(f"job {job['id']}: {job['status']}", file=sys.stderr, flush=True)
        shown = job["status"]
        time.sleep(0.5)
        job = client.jobs.get(job["id"])
    if tty:
        print("\r", end="", file=sys.stderr)
    return job


def cmd_tail(args: argparse.Namespace, client: Client) -> int:
    topics = args.topics or [
        "monitor.status",
        "heartbeat.status",
        "incident.updates",
        "alert.updates",
        "agent.status",
        "job.updates",
    ]
    try:
        for event in client.events.subscribe(topics):
            if args.json:
                print(json.dumps(event), flush=True)
            else:
                print(
                    f"{event['timestamp']}  {event['topic']:<17} {event['event']}  "
                    f"{json.dumps(event['data'], default=str)[:160]}",
                    flush=True,
                )
    except KeyboardInterrupt:
        pass
    return 0


def cmd_ping(args: argparse.Namespace) -> int:
    """Ping a heartbeat; with ``-- command``, wrap it like runitor: start, run, exit-status ping with the
    end of its output as the body, and exit with its status."""
    token = args.token_option or args.token
    if not token:
        raise ValueError("ping: give the heartbeat's token")
    config = load_config()
    url = args.url or os.environ.get("MONITORING_URL") or config.get("url") or "http://127.0.0.1:8000"
    client = Client(base_url=url)  # a ping's token is its own credential
    if not args.wrapped:
        signal: str | int | None = "start" if args.start else "fail" if args.fail else args.exit
        client.ping(token, signal, body=args.body)
        return 0
    command = args.wrapped
    import uuid

    rid = str(uuid.uuid4())
    client.ping(token, "start", rid=rid)
    try:
        finished = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        output, status = finished.stdout, finished.returncode
    except OSError as error:
        output, status = f"{error}\n".encode(), 127
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    client.ping(token, min(max(status, 0), 255) if status >= 0 else 1, body=output[-OUTPUT_CAP:], rid=rid)
    return status if status >= 0 else 128 - status


def cmd_export(args: argparse.Namespace, client: Client) -> int:
    data = client.request("GET", "/config/export")
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_apply(args: argparse.Namespace, client: Client) -> int:
    document = json.loads(Path(args.file).read_text() if args.file != "-" else sys.stdin.read())
    query = {"dry_run": "true" if args.dry_run else None, "prune": "true" if args.prune else None}
    plan = client.request(
        "POST", "/config/apply", params={k: v for k, v in query.items() if v}, json=document
    )
    if args.json:
        show(args, plan)
        return 0
    for verb in ("create", "update", "delete"):
        for item in plan["plan"].get(verb, []):
            print(f"{verb:<7} {item['kind']:<20} {item['key']}")
    counts = {verb: len(plan["plan"].get(verb, [])) for verb in ("create", "update", "delete")}
    state = "would change" if plan.get("dry_run") else "applied"
    print(
        f"{state}: {counts['create']} to create, {counts['update']} to update, {counts['delete']} to delete, "
        f"{plan['plan'].get('unchanged', 0)} unchanged"
    )
    return 0


# --- parser ----------------------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="monitoring", description="The monitoring platform from a terminal.")
    root.add_argument("--url", help="the platform's address (MONITORING_URL)")
    root.add_argument("--api-key", help="an API key, msk_... (MONITORING_API_KEY)")
    root.add_argument("--json", action="store_true", help="JSON output for scripts")
    commands = root.add_subparsers(dest="command", required=True)

    login = commands.add_parser("login", help="save credentials for the next commands")
    login.add_argument("--username")
    login.add_argument("--api-key", dest="login_key", help="save an API key (msk_...) instead")
    login.add_argument("--password", help="asked for when not given (or MONITORING_PASSWORD)")

    for resource, actions in (
        ("monitors", ("list", "get", "create", "pause", "resume", "delete")),
        ("heartbeats", ("list", "get", "create", "pause", "resume", "delete")),
        ("alerts", ("list", "get", "ack", "resolve")),
    ):
        group = commands.add_parser(resource).add_subparsers(dest="action", required=True)
        for action in actions:
            sub = group.add_parser(action)
            sub.set_defaults(resource=resource)
            if action == "list":
                sub.add_argument("--status")
                sub.add_argument("--limit", type=int, default=1000)
                if resource == "alerts":
                    sub.add_argument("--severity")
                else:
                    sub.add_argument("--type")
            elif action == "create":
                sub.add_argument("--name", required=True)
                if resource == "monitors":
                    sub.add_argument(
                        "--type",
                        default="website",
                        help="website (the default), keyword, json, port, ping, dns or host",
                    )
                    sub.add_argument("--target", help="the URL, host or host:port to check")
                sub.add_argument("fields", nargs="*", metavar="key=value", help="any other field")
            else:
                sub.add_argument("id", type=int)
                if action in ("ack", "resolve"):
                    sub.add_argument("--notes", default="", help="notes (ack) or the resolution (resolve)")

    jobs = commands.add_parser("jobs").add_subparsers(dest="action", required=True)
    run = jobs.add_parser("run", help="run a task: monitoring jobs run TASK [--wait] -- key=value ...")
    run.add_argument("task", help="the task's id or name")
    run.add_argument("--wait", action="store_true", help="wait for the job and print its output")
    run.add_argument("--timeout", type=float, default=3600)
    run.add_argument("arguments", nargs="*", metavar="key=value")
    listing = jobs.add_parser("list")
    listing.add_argument("--status")
    listing.add_argument("--limit", type=int, default=100)
    jobs.add_parser("get").add_argument("id", type=int)

    tail = commands.add_parser("tail", help="print live events until interrupted")
    tail.add_argument("topics", nargs="*")

    ping = commands.add_parser(
        "ping",
        help="ping a heartbeat, or wrap a command: ping TOKEN -- cmd args",
        usage="%(prog)s TOKEN [options] [-- command ...]",
    )
    ping.add_argument(
        "token", nargs="?", help="the heartbeat's token (a token starting with '-': --token=...)"
    )
    ping.add_argument("--token", dest="token_option", metavar="TOKEN", help=argparse.SUPPRESS)
    kind = ping.add_mutually_exclusive_group()
    kind.add_argument("--start", action="store_true")
    kind.add_argument("--fail", action="store_true")
    kind.add_argument("--exit", type=int, metavar="N", help="an exit status 0-255")
    ping.add_argument("--body", help="text kept with the ping")

    export = commands.add_parser("export", help="the organization's configuration as JSON")
    export.add_argument("--output", "-o")
    apply = commands.add_parser("apply", help="apply a configuration file (create, update, --prune deletes)")
    apply.add_argument("file", help="a file from `monitoring export` (- for stdin)")
    apply.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    apply.add_argument("--prune", action="store_true", help="delete what the file no longer has")
    return root


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first "--" is the command ``ping`` wraps, or more key=value for ``jobs run``.
    wrapped = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    if (
        "ping" in argv
    ):  # ping tokens are URL-safe base64: one may start with "-", which argparse reads as an option
        at = argv.index("ping") + 1
        if at < len(argv) and argv[at].startswith("-") and argv[at].split("=")[0] not in PING_OPTIONS:
            argv[at] = f"--token={argv[at]}"
    args = parser().parse_args(argv)
    args.wrapped = wrapped
    if args.command == "jobs" and args.action == "run":
        args.arguments = [*args.arguments, *wrapped]
    try:
        if args.command == "login":
            return cmd_login(args)
        if args.command == "ping":
            return cmd_ping(args)
        client = client_from(args)
        try:
            if args.command in ("monitors", "heartbeats", "alerts"):
                return cmd_resource(args, client)
            handler = {"jobs": cmd_jobs, "tail": cmd_tail, "export": cmd_export, "apply": cmd_apply}
            return handler[args.command](args, client)
        finally:
            remember_session(client)
    except (errors.AuthenticationError, errors.PermissionDenied) as error:
        print(f"monitoring: {error}", file=sys.stderr)
        return EXIT_AUTH
    except errors.NotFound as error:
        print(f"monitoring: {error}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except (errors.ValidationError, errors.Conflict) as error:
        print(f"monitoring: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except errors.ApiError as error:
        print(f"monitoring: {error}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as error:
        print(f"monitoring: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
