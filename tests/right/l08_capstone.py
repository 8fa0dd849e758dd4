"""Right answers for lesson 08, written differently from the solution."""

_TENACITY = '''
import tenacity


def retry_call(run, stage, what, call):
    """tenacity on the virtual clock: its stop reads env.clock and the upcoming sleep."""
    config, clock = run.config, run.env.clock
    reasons = []

    def stop(state):
        if state.attempt_number >= config.attempts:
            reasons.append(f"failed after {state.attempt_number} attempts")
        elif run.budget <= 0:
            reasons.append("failed: retry budget exhausted")
        elif clock.now() + state.upcoming_sleep >= run.deadline:
            reasons.append("failed: no time left before the deadline")
        else:
            return False
        return True

    def note(state):
        run.budget -= 1
        error = state.outcome.exception()
        run.env.log.warning("retrying", stage=stage, attempt=state.attempt_number, error=str(error))

    retrying = tenacity.Retrying(
        sleep=clock.sleep,
        stop=stop,
        wait=tenacity.wait_random_exponential(multiplier=config.base_delay, max=config.max_delay),
        retry=tenacity.retry_if_exception(is_transient),
        before_sleep=note,
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                return call(min(config.attempt_timeout, run.deadline - clock.now()))
    except Exception as exc:
        why = reasons[-1] if reasons else "failed"
        raise DeployError(stage, f"{what} {why}") from exc
    return None


STAGES = ("download", "build", "push")


def deploy(env, raw):
    """The stages as a table of (name, what, call); tenacity retries each call."""
    config = parse_config(raw)
    run = Run(env, config, env.clock.now() + config.deadline, config.retry_budget)
    state = {}
    steps = {
        "download": (f"downloading {config.artifact}", lambda t: env.artifacts.download(config.artifact, timeout=t)),
        "build": (
            f"building {config.tag}",
            lambda t: env.builder.build(state["download"].data, tag=config.tag, timeout=t),
        ),
        "push": (
            f"pushing {config.tag} to {config.namespace}",
            lambda t: env.registry.push(state["build"], namespace=config.namespace, token=config.token, timeout=t),
        ),
    }
    for stage in STAGES:
        what, call = steps[stage]
        with env.span(stage):
            state[stage] = retry_call(run, stage, what, call)
    with env.span("rollout"):
        report = rollout(run)
    env.log.info("deployed", tag=config.tag, nodes=sorted(report))
    return report
'''

_CLASS = '''
import functools


class Deployer:
    """The pipeline as an object, one per run, with a hand-written retry loop."""

    def __init__(self, env, raw):
        self.env = env
        self.config = parse_config(raw)
        self.deadline = env.clock.now() + self.config.deadline
        self.retries_left = self.config.retry_budget

    def call(self, stage, what, operation):
        cfg, clock = self.config, self.env.clock
        for retry in range(cfg.attempts):
            try:
                return operation(timeout=min(cfg.attempt_timeout, self.deadline - clock.now()))
            except Exception as exc:
                delay = self.env.rng.uniform(0, min(cfg.max_delay, cfg.base_delay * 2**retry))
                if not is_transient(exc):
                    reason = "failed"
                elif retry + 1 == cfg.attempts:
                    reason = f"failed after {cfg.attempts} attempts"
                elif not self.retries_left:
                    reason = "gave up: retry budget exhausted"
                elif clock.now() + delay >= self.deadline:
                    reason = "gave up at the deadline"
                else:
                    self.retries_left -= 1
                    self.env.log.warning("retry", stage=stage, error=type(exc).__name__, delay=delay)
                    clock.sleep(delay)
                    continue
                raise DeployError(stage, f"{what} {reason}") from exc
        return None

    def node(self, name):
        try:
            return self.call("rollout", f"provisioning {name}", functools.partial(self.env.cluster.provision_gpu, name))
        except DeployError as err:
            raise NodeError(name) from err.__cause__

    def run(self):
        cfg, env = self.config, self.env
        with env.span("download"):
            download = functools.partial(env.artifacts.download, cfg.artifact)
            artifact = self.call("download", f"downloading {cfg.artifact}", download)
        with env.span("build"):
            build = functools.partial(env.builder.build, artifact.data, tag=cfg.tag)
            image = self.call("build", f"building {cfg.tag}", build)
        with env.span("push"):
            push = functools.partial(env.registry.push, image, namespace=cfg.namespace, token=cfg.token)
            self.call("push", f"pushing {cfg.tag}", push)
        with env.span("rollout"):
            self.call("rollout", "connecting", env.cluster.connect)
            errors, report = [], {}
            for name in self.call("rollout", "listing nodes", env.cluster.list_nodes):
                try:
                    report[name] = self.node(name)
                except NodeError as err:
                    errors.append(err)
            if errors:
                raise ExceptionGroup(f"{cfg.tag}: {len(errors)} node(s) failed", errors)
        return report


def deploy(env, raw):
    return Deployer(env, raw).run()
'''

_PIPELINES = [
    (
        "tenacity on the virtual clock (a stop that reads env.clock and the upcoming sleep), stages as a table",
        _TENACITY,
    ),
    ("a class, one instance per run, with a for-loop of attempts and functools.partial calls", _CLASS),
]

RIGHT = {
    "8.1": [
        (
            "pydantic: a strict frozen model with SecretStr, its ValidationError turned into ConfigError",
            """
            from typing import Annotated

            from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError


            class ConfigError(ValueError):
                def __init__(self, field, problem):
                    super().__init__(f"{field}: {problem}")
                    self.field = field


            class DeployConfig(BaseModel):
                model_config = ConfigDict(frozen=True, strict=True)
                artifact: str = Field(pattern=r"^s3://.")
                tag: str = Field(pattern=r".:.")
                namespace: str = Field(min_length=1)
                token: Annotated[SecretStr, Field(min_length=1)]
                deadline: float = Field(gt=0)
                attempts: int = Field(ge=1)
                attempt_timeout: float = Field(ge=0)
                retry_budget: int = Field(ge=0)
                base_delay: float = Field(ge=0)
                max_delay: float = Field(ge=0)


            def parse_config(raw):
                try:
                    return DeployConfig.model_validate(dict(raw))
                except ValidationError as err:
                    first = err.errors()[0]
                    raise ConfigError(str(first["loc"][0]), first["msg"]) from None
            """,
        ),
        (
            "attrs: a frozen class whose validators raise ConfigError, the token with repr=False",
            """
            import attrs


            class ConfigError(ValueError):
                def __init__(self, field, problem):
                    super().__init__(f"bad {field}: {problem}")
                    self.field = field


            def text(prefix="", needs=""):
                def check(_, attribute, value):
                    if not isinstance(value, str) or not value.startswith(prefix) or needs not in value or not value:
                        raise ConfigError(attribute.name, "not a valid string")
                return check


            def number(kind, low, above=False):
                def check(_, attribute, value):
                    wrong = isinstance(value, bool) or not isinstance(value, kind)
                    if wrong or value < low or (above and value <= low):
                        raise ConfigError(attribute.name, f"not a valid {kind}")
                return check


            @attrs.frozen
            class DeployConfig:
                artifact: str = attrs.field(validator=text("s3://"))
                tag: str = attrs.field(validator=text(needs=":"))
                namespace: str = attrs.field(validator=text())
                deadline: float = attrs.field(validator=number((int, float), 0, above=True))
                attempts: int = attrs.field(validator=number(int, 1))
                attempt_timeout: float = attrs.field(validator=number((int, float), 0))
                retry_budget: int = attrs.field(validator=number(int, 0))
                base_delay: float = attrs.field(validator=number((int, float), 0))
                max_delay: float = attrs.field(validator=number((int, float), 0))
                token: str = attrs.field(validator=text(), repr=False)


            def parse_config(raw):
                names = [a.name for a in attrs.fields(DeployConfig)]
                for name in names:
                    if name not in raw:
                        raise ConfigError(name, "missing")
                return DeployConfig(**{name: raw[name] for name in names})
            """,
        ),
        (
            "a plain class with __slots__ and its own __repr__, validated from a table of rules",
            """
            class ConfigError(ValueError):
                def __init__(self, field, problem):
                    super().__init__(problem)
                    self.field = field


            RULES = {
                "artifact": lambda v: isinstance(v, str) and v.startswith("s3://"),
                "tag": lambda v: isinstance(v, str) and ":" in v,
                "namespace": lambda v: isinstance(v, str) and v != "",
                "token": lambda v: isinstance(v, str) and v != "",
                "deadline": lambda v: type(v) in (int, float) and v > 0,
                "attempts": lambda v: type(v) is int and v >= 1,
                "attempt_timeout": lambda v: type(v) in (int, float) and v >= 0,
                "retry_budget": lambda v: type(v) is int and v >= 0,
                "base_delay": lambda v: type(v) in (int, float) and v >= 0,
                "max_delay": lambda v: type(v) in (int, float) and v >= 0,
            }


            class DeployConfig:
                __slots__ = tuple(RULES)

                def __init__(self, **values):
                    for name, value in values.items():
                        object.__setattr__(self, name, value)

                def __repr__(self):
                    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__ if n != "token")
                    return f"DeployConfig({shown}, token=***)"


            def parse_config(raw):
                for name, valid in RULES.items():
                    if name not in raw or not valid(raw[name]):
                        raise ConfigError(name, f"{name} is missing or invalid")
                return DeployConfig(**{name: raw[name] for name in RULES})
            """,
        ),
    ],
    "8.2": [
        (
            "a match statement on the exception, recursing into __cause__",
            """
            def is_transient(exc):
                match exc:
                    case urllib.error.HTTPError(code=code):
                        return code in {429, 502, 503, 504}
                    case TimeoutError() | ConnectionError() | EOFError():
                        return True
                    case BaseException(__cause__=BaseException() as cause):
                        return is_transient(cause)
                return False
            """,
        ),
        (
            "a generator of the cause chain and any() over it",
            """
            TRANSIENT_TYPES = (TimeoutError, ConnectionResetError, ConnectionRefusedError, ConnectionAbortedError,
                               BrokenPipeError, ConnectionError, EOFError)
            RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


            def causes(exc):
                while exc is not None:
                    yield exc
                    exc = exc.__cause__


            def heals(exc):
                if isinstance(exc, urllib.error.HTTPError):
                    return exc.code in RETRYABLE_STATUS
                return isinstance(exc, TRANSIENT_TYPES)


            def is_transient(exc):
                for link in causes(exc):
                    if isinstance(link, urllib.error.HTTPError) or heals(link):
                        return heals(link)
                return False
            """,
        ),
    ],
    **{eid: list(_PIPELINES) for eid in ("8.3", "8.4", "8.5", "8.6", "8.7", "8.8")},
}

RIGHT["8.5"] += [
    (
        "the group is a subclass of ExceptionGroup of its own, its message naming the failed nodes",
        """
        class RolloutFailed(ExceptionGroup):
            \"\"\"Some nodes failed; one NodeError per node.\"\"\"


        _every_node = rollout


        def rollout(run):
            try:
                return _every_node(run)
            except ExceptionGroup as group:
                names = ", ".join(err.node for err in group.exceptions)
                raise RolloutFailed(f"rollout failed on {names}", list(group.exceptions)) from None
        """,
    ),
]
