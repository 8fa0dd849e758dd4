"""Known-wrong answers for lesson 08: each aimed at one boundary of its check.

Each answer is the whole cell a learner would hand in: the solution's cell (read from
solutions/08_capstone.ipynb, so it stays in step) with one thing changed, or followed by one
definition that replaces the solution's, so each fails for the reason it names. (Whole cells,
because a function keeps the globals of the cell that defined it.)
"""

import json
import textwrap
from pathlib import Path

_NOTEBOOK = Path(__file__).parents[2] / "solutions" / "08_capstone.ipynb"


def solution(exercise_id: str) -> str:
    """The code between the solution markers of ``exercise_id`` in the solution notebook."""
    for cell in json.loads(_NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        begin, end = f"### BEGIN SOLUTION {exercise_id}\n", f"### END SOLUTION {exercise_id}"
        if cell["cell_type"] == "code" and begin in text:
            return text.split(begin, 1)[1].split(end, 1)[0]
    msg = f"no solution {exercise_id} in {_NOTEBOOK}"
    raise LookupError(msg)


_PIPELINE = solution("8.3")


def _retry(old: str, new: str) -> str:
    assert old in _PIPELINE, old
    return _PIPELINE.replace(old, new)


def _then(definitions: str, cell: str = _PIPELINE) -> str:
    """The solution's cell followed by ``definitions``, which replace the solution's."""
    return cell + "\n\n" + textwrap.dedent(definitions).strip() + "\n"


_CONFIG = solution("8.1")


_ROLLOUT_FIRST = """
def rollout(run):
    cluster = run.env.cluster
    retry_call(run, "rollout", "connecting", lambda t: cluster.connect(timeout=t))
    report = {}
    for node in retry_call(run, "rollout", "listing", lambda t: cluster.list_nodes(timeout=t)):
        report[node] = provision(run, node)  # the first NodeError ends the rollout
    return report
"""

_DEPLOY = """
def deploy(env, raw):
    config = parse_config(raw)
    run = Run(env, config, env.clock.now() + config.deadline, config.retry_budget)
    LOG_LINE
    with env.span("download", artifact=config.artifact):
        artifact = retry_call(run, "download", f"downloading {config.artifact}",
                              lambda t: env.artifacts.download(config.artifact, timeout=t))
    with env.span("build", tag=config.tag):
        image = retry_call(run, "build", f"building {config.tag}",
                           lambda t: env.builder.build(artifact.data, tag=config.tag, timeout=t))
    with env.span(PUSH_SPAN):
        retry_call(run, "push", f"pushing {config.tag} to {config.namespace}",
                   lambda t: env.registry.push(image, namespace=config.namespace, token=config.token, timeout=t))
    with env.span("rollout"):
        return rollout(run)
"""


def _deploy(log_line: str = "pass", push_span: str = '"push"') -> str:
    return _DEPLOY.replace("LOG_LINE", log_line).replace("PUSH_SPAN", push_span)


# is_transient that walks __context__ as well as __cause__ (8.2, and under 8.5 the driver failure).
_WALKS_CONTEXT = """
            def is_transient(exc):
                while exc is not None:
                    if isinstance(exc, urllib.error.HTTPError):
                        return exc.code in (429, 502, 503, 504)
                    if isinstance(exc, TimeoutError | ConnectionError | EOFError):
                        return True
                    exc = exc.__cause__ or exc.__context__
                return False
"""

WRONG = {
    "8.1": [
        (
            "a plain dataclass: the token is in its repr",
            """
            @dataclass(frozen=True)
            class Config:
                artifact: str
                tag: str
                namespace: str
                deadline: float
                attempts: int
                attempt_timeout: float
                retry_budget: int
                base_delay: float
                max_delay: float
                token: str

            def parse_config(raw):
                return Config(**raw)
            """,
            "incorrect",
        ),
        (
            "isinstance(value, int) lets a bool through: deadline=True is accepted",
            _then(
                """
            def _number(raw, key, *, low, integer=False, above=False):
                value = raw.get(key)
                kinds = (int,) if integer else (int, float)
                if not isinstance(value, kinds) or value < low or (above and value == low):
                    raise ConfigError(key, f"invalid {value!r}")
                return value
            """,
                _CONFIG,
            ),
            "incorrect",
        ),
        (
            "the error message shows the whole raw config, token included",
            """
            _solution_parse = parse_config

            def parse_config(raw):
                try:
                    return _solution_parse(raw)
                except ConfigError as err:
                    raise ConfigError(err.field, f"invalid config {dict(raw)}") from None
            """,
            "incorrect",
        ),
        (
            "a zero deadline is accepted (>= 0 instead of > 0)",
            _then(
                """
            def _number(raw, key, *, low, integer=False, above=False):
                value = raw.get(key)
                kinds = (int,) if integer else (int, float)
                if isinstance(value, bool) or not isinstance(value, kinds) or value < low:
                    raise ConfigError(key, f"invalid {value!r}")
                return value
            """,
                _CONFIG,
            ),
            "incorrect",
        ),
        (
            "raises a plain ValueError, not ConfigError with .field",
            """
            _solution_parse = parse_config

            def parse_config(raw):
                try:
                    return _solution_parse(raw)
                except ConfigError as err:
                    raise ValueError(f"bad config field {err.field}") from None
            """,
            "incorrect",
        ),
    ],
    "8.2": [
        (
            "every OSError is transient: PermissionError and a full disk get retried",
            """
            def is_transient(exc):
                return isinstance(exc, OSError | EOFError)
            """,
            "incorrect",
        ),
        (
            "walks __context__ too: the driver failure (raised while handling a reset) looks transient",
            _WALKS_CONTEXT,
            "incorrect",
        ),
        (
            "any 5xx is transient, 500 included, and 429 is not",
            """
            def is_transient(exc):
                while exc is not None:
                    if isinstance(exc, urllib.error.HTTPError):
                        return 500 <= exc.code < 600
                    if isinstance(exc, TimeoutError | ConnectionError | EOFError):
                        return True
                    exc = exc.__cause__
                return False
            """,
            "incorrect",
        ),
        (
            "checks the outermost exception only: a wrapper raised from a timeout is not transient",
            """
            def is_transient(exc):
                if isinstance(exc, urllib.error.HTTPError):
                    return exc.code in (429, 502, 503, 504)
                return isinstance(exc, TimeoutError | ConnectionError | EOFError)
            """,
            "incorrect",
        ),
    ],
    "8.3": [
        (
            "no jitter: sleeps exactly the exponential ceiling",
            _retry(
                "delay = run.env.rng.uniform(0, min(config.max_delay, config.base_delay * 2 ** (attempt - 1)))",
                "delay = min(config.max_delay, config.base_delay * 2 ** (attempt - 1))",
            ),
            "incorrect",
        ),
        (
            "a partial read (EOFError) is taken for permanent: the download gives up",
            _retry("if not is_transient(exc):", "if not is_transient(exc) or isinstance(exc, EOFError):"),
            "error",
        ),
        (
            "the budget is checked with < instead of <=: one retry short, the connect gives up",
            _retry("if run.budget <= 0:", "if run.budget <= 1:"),
            "error",
        ),
        (
            "sleeps a fixed second before every retry, over the ceiling of the first ones",
            _retry(
                "delay = run.env.rng.uniform(0, min(config.max_delay, config.base_delay * 2 ** (attempt - 1)))",
                "delay = 1.0",
            ),
            "incorrect",
        ),
        (
            "behaves, but swallows a logging failure with try/except/pass (ruff S110, BLE001)",
            _deploy(
                log_line="\n".join(
                    [
                        "try:",
                        '        env.log.info("deploy started", config=config)',
                        "    except Exception:",
                        "        pass",
                    ]
                )
            ),
            "incorrect",
        ),
    ],
    "8.4": [
        (
            "retries a permanent error: every exception but ValueError is retried",
            _retry("if not is_transient(exc):", "if isinstance(exc, ValueError):"),
            "incorrect",
        ),
        (
            "loses the chain: raise DeployError(stage, str(exc)) from None",
            _retry(
                'raise DeployError(stage, f"{what} failed") from exc', "raise DeployError(stage, str(exc)) from None"
            ),
            "incorrect",
        ),
        (
            "no context: the message is the registry's text, the tag is not named",
            _retry(
                'raise DeployError(stage, f"{what} failed") from exc', "raise DeployError(stage, str(exc)) from exc"
            ),
            "incorrect",
        ),
        (
            "wraps every stage's error as stage 'deploy'",
            _retry(
                'raise DeployError(stage, f"{what} failed") from exc',
                'raise DeployError("deploy", f"{what} failed") from exc',
            ),
            "incorrect",
        ),
    ],
    "8.5": [
        ("reports only the first failed node: the rollout stops at it", _then(_ROLLOUT_FIRST), "incorrect"),
        (
            "reports only the first failed node in a group of one, after trying all",
            _then(
                """
            def rollout(run):
                cluster = run.env.cluster
                retry_call(run, "rollout", "connecting", lambda t: cluster.connect(timeout=t))
                report, failed = {}, []
                for node in retry_call(run, "rollout", "listing", lambda t: cluster.list_nodes(timeout=t)):
                    try:
                        report[node] = provision(run, node)
                    except NodeError as err:
                        failed.append(err)
                if failed:
                    raise ExceptionGroup("rollout failed", failed[:1])
                return report
            """
            ),
            "incorrect",
        ),
        (
            "returns the partial report and raises nothing",
            _then(
                """
            def rollout(run):
                cluster = run.env.cluster
                retry_call(run, "rollout", "connecting", lambda t: cluster.connect(timeout=t))
                report = {}
                for node in retry_call(run, "rollout", "listing", lambda t: cluster.list_nodes(timeout=t)):
                    try:
                        report[node] = provision(run, node)
                    except NodeError:
                        report[node] = "failed"
                return report
            """
            ),
            "incorrect",
        ),
        (
            "retries the driver failure: __context__ is walked, and its reset looks transient",
            _then(_WALKS_CONTEXT),
            "incorrect",
        ),
        (
            "the members are the bare RuntimeErrors: nothing names the node",
            _then(
                """
            def provision(run, node):
                try:
                    return retry_call(run, "rollout", node, lambda t: run.env.cluster.provision_gpu(node, timeout=t))
                except DeployError as err:
                    raise NodeError(node) from err


            def rollout(run):
                cluster = run.env.cluster
                retry_call(run, "rollout", "connecting", lambda t: cluster.connect(timeout=t))
                report, failed = {}, []
                for node in retry_call(run, "rollout", "listing", lambda t: cluster.list_nodes(timeout=t)):
                    try:
                        report[node] = provision(run, node)
                    except NodeError as err:
                        failed.append(err.__cause__.__cause__)
                if failed:
                    raise ExceptionGroup("rollout failed", failed)
                return report
            """
            ),
            "incorrect",
        ),
    ],
    "8.6": [
        (
            "sleeps past the deadline: no look at the clock before sleeping",
            _retry("if clock.now() + delay >= run.deadline:", "if False:"),
            "incorrect",
        ),
        (
            "the per-attempt timeout is not bounded by the time left",
            _retry(
                "return call(min(config.attempt_timeout, run.deadline - clock.now()))",
                "return call(config.attempt_timeout)",
            ),
            "incorrect",
        ),
        (
            "no timeout at all: the stalled push takes its whole 600 s",
            _retry("return call(min(config.attempt_timeout, run.deadline - clock.now()))", "return call(None)"),
            "incorrect",
        ),
        (
            "a timeout is taken for permanent: the push is never retried",
            _retry("if not is_transient(exc):", "if isinstance(exc, TimeoutError) or not is_transient(exc):"),
            "incorrect",
        ),
    ],
    "8.7": [
        (
            "a budget per call, not one for the run",
            _retry(
                "config, clock = run.config, run.env.clock",
                "config, clock = run.config, run.env.clock\n    run.budget = config.retry_budget",
            ),
            "incorrect",
        ),
        (
            "no budget at all: the push runs out of attempts instead",
            _retry("if run.budget <= 0:", "if False:"),
            "incorrect",
        ),
        (
            "the budget error hides its cause (from None)",
            _retry(
                'raise DeployError(stage, f"{what} failed: retry budget exhausted") from exc',
                'raise DeployError(stage, f"{what} failed: retry budget exhausted") from None',
            ),
            "incorrect",
        ),
        (
            "the budget error does not say so: 'too many retries'",
            _retry('f"{what} failed: retry budget exhausted"', 'f"{what} failed: too many retries"'),
            "incorrect",
        ),
    ],
    "8.8": [
        (
            "logs the token: the raw config in a log record",
            _deploy(log_line='env.log.info("deploy started", config=raw)'),
            "incorrect",
        ),
        (
            "the token in a span attribute",
            _deploy(push_span='"push", token=config.token'),
            "incorrect",
        ),
        (
            "the raw config in a note on the error, for debugging",
            _then(
                """
                _solution_deploy = deploy


                def deploy(env, raw):
                    try:
                        return _solution_deploy(env, raw)
                    except DeployError as err:
                        err.add_note(f"while deploying {raw}")
                        raise
                """
            ),
            "incorrect",
        ),
        (
            "no span for the push stage",
            _deploy(push_span='"upload"'),
            "incorrect",
        ),
        (
            "retries are not logged",
            _retry(
                'run.env.log.warning("retrying", stage=stage, attempt=attempt, error=str(exc), delay=round(delay, 3))',
                "pass",
            ),
            "incorrect",
        ),
    ],
}
