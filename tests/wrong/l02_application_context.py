"""Known-wrong answers for lesson 02: context that loses the cause, eats interrupts or costs on success."""

_CM_ONLY = """
class context:
    def __init__(self, message):
        self.message = message

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, Exception):
            raise DeployError(self.message) from exc
        return False
"""

WRONG = {
    "2.1": [
        (
            "drops the cause with from None",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except Exception:
                    raise DeployError(message) from None
            """,
            "incorrect",
        ),
        (
            "no from: the original is only the implicit __context__",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except Exception:
                    raise DeployError(message)  # noqa: B904 - the mistake under test
            """,
            "incorrect",
        ),
        (
            "catches BaseException: KeyboardInterrupt becomes a DeployError",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except BaseException as exc:
                    raise DeployError(message) from exc
            """,
            "incorrect",
        ),
        (
            "swallows the error",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except Exception:
                    return  # the error is gone
            """,
            "incorrect",
        ),
        (
            "chains a copy of the error, without its traceback",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except Exception as exc:
                    raise DeployError(message) from type(exc)(*exc.args)
            """,
            "incorrect",
        ),
        ("a context manager that cannot decorate", _CM_ONLY, "incorrect"),
        (
            "a decorator that drops the return value",
            _CM_ONLY
            + """
    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                func(*args, **kwargs)
        return wrapper
""",
            "incorrect",
        ),
        (
            "repeats the cause's text in the message",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except Exception as exc:
                    raise DeployError(f"{message}: {exc}") from exc
            """,
            "incorrect",
        ),
    ],
    "2.2": [
        (
            "builds the message eagerly",
            """
            def lazy_context(make):
                return context(make())
            """,
            "incorrect",
        ),
        (
            "builds the message on entering the block",
            """
            class lazy_context(contextlib.ContextDecorator):
                def __init__(self, make):
                    self.make = make

                def __enter__(self):
                    self.message = self.make()
                    return self

                def __exit__(self, exc_type, exc, tb):
                    if isinstance(exc, Exception):
                        raise DeployError(self.message) from exc
                    return False
            """,
            "incorrect",
        ),
        (
            "builds the message for interrupts it lets through",
            """
            class lazy_context(contextlib.ContextDecorator):
                def __init__(self, make):
                    self.make = make

                def __enter__(self):
                    return self

                def __exit__(self, exc_type, exc, tb):
                    message = self.make() if exc is not None else None
                    if isinstance(exc, Exception):
                        raise DeployError(message) from exc
                    return False
            """,
            "incorrect",
        ),
        (
            "uses the callable itself as the message",
            """
            @contextlib.contextmanager
            def lazy_context(make):
                try:
                    yield
                except Exception as exc:
                    raise DeployError(make) from exc
            """,
            "incorrect",
        ),
        (
            "calls make() twice per failure",
            """
            @contextlib.contextmanager
            def lazy_context(make):
                try:
                    yield
                except Exception as exc:
                    if not make():
                        raise
                    raise DeployError(make()) from exc
            """,
            "incorrect",
        ),
        (
            "catches BaseException: wraps KeyboardInterrupt",
            """
            @contextlib.contextmanager
            def lazy_context(make):
                try:
                    yield
                except BaseException as exc:
                    raise DeployError(make()) from exc
            """,
            "incorrect",
        ),
    ],
    "2.3": [
        (
            "wraps the error: except FileNotFoundError above no longer matches",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except Exception as exc:
                    raise DeployError(f"fetching {uri} as {principal}") from exc
            """,
            "incorrect",
        ),
        (
            "raises a new error of the same type",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except Exception as exc:
                    again = type(exc)(*exc.args)
                    again.add_note(f"fetching {uri} as {principal}")
                    raise again from exc
            """,
            "incorrect",
        ),
        (
            "overwrites the notes already there",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except Exception as exc:
                    exc.__notes__ = [f"fetching {uri} as {principal}"]
                    raise
            """,
            "incorrect",
        ),
        (
            "notes only OSErrors: a partial read and a bad checksum get no context",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except OSError as exc:
                    exc.add_note(f"fetching {uri} as {principal}")
                    raise
            """,
            "incorrect",
        ),
        (
            "folds the context into the message instead of a note",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except Exception as exc:
                    exc.args = (f"fetching {uri} as {principal}: {exc}",)
                    raise
            """,
            "incorrect",
        ),
        (
            "swallows the error and returns nothing",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except Exception:
                    return b""
            """,
            "incorrect",
        ),
    ],
    "2.4": [
        (
            "one try around everything: the message cannot say which step failed",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                try:
                    artifact = world.artifacts.download(uri)
                    image = world.builder.build(artifact.data, tag=tag)
                    return world.registry.push(image, namespace=namespace, token=token)
                except PermissionError as exc:
                    raise PushDenied(namespace) from exc
                except Exception as exc:
                    raise DeployError(f"failed to deploy {tag}") from exc
            """,
            "incorrect",
        ),
        (
            "PushDenied for a PermissionError from the download (the wrong layer)",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                try:
                    with context(f"failed to download model artifact {uri}"):
                        artifact = world.artifacts.download(uri)
                    with context(f"failed to build container {tag}"):
                        image = world.builder.build(artifact.data, tag=tag)
                    with context(f"failed to push {tag} to {namespace}"):
                        return world.registry.push(image, namespace=namespace, token=token)
                except DeployError as exc:
                    if isinstance(exc.__cause__, PermissionError):
                        raise PushDenied(namespace) from exc.__cause__
                    raise
            """,
            "incorrect",
        ),
        (
            "a refused push is a plain DeployError: the CI job cannot match it",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                with context(f"failed to download model artifact {uri}"):
                    artifact = world.artifacts.download(uri)
                with context(f"failed to build container {tag}"):
                    image = world.builder.build(artifact.data, tag=tag)
                with context(f"failed to push {tag} to {namespace}"):
                    return world.registry.push(image, namespace=namespace, token=token)
            """,
            "incorrect",
        ),
        (
            "PushDenied drops the registry's error",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                with context(f"failed to download model artifact {uri}"):
                    artifact = world.artifacts.download(uri)
                with context(f"failed to build container {tag}"):
                    image = world.builder.build(artifact.data, tag=tag)
                try:
                    return world.registry.push(image, namespace=namespace, token=token)
                except PermissionError:
                    raise PushDenied(namespace) from None
                except Exception as exc:
                    raise DeployError(f"failed to push {tag} to {namespace}") from exc
            """,
            "incorrect",
        ),
        (
            "repeats the cause in the message",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                try:
                    artifact = world.artifacts.download(uri)
                except Exception as exc:
                    raise DeployError(f"failed to download model artifact {uri}: {exc}") from exc
                try:
                    image = world.builder.build(artifact.data, tag=tag)
                except Exception as exc:
                    raise DeployError(f"failed to build container {tag}: {exc}") from exc
                try:
                    return world.registry.push(image, namespace=namespace, token=token)
                except PermissionError as exc:
                    raise PushDenied(namespace) from exc
                except Exception as exc:
                    raise DeployError(f"failed to push {tag} to {namespace}: {exc}") from exc
            """,
            "incorrect",
        ),
        (
            "catches BaseException: Ctrl-C during the build becomes a DeployError",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                try:
                    artifact = world.artifacts.download(uri)
                except BaseException as exc:
                    raise DeployError(f"failed to download model artifact {uri}") from exc
                try:
                    image = world.builder.build(artifact.data, tag=tag)
                except BaseException as exc:
                    raise DeployError(f"failed to build container {tag}") from exc
                try:
                    return world.registry.push(image, namespace=namespace, token=token)
                except PermissionError as exc:
                    raise PushDenied(namespace) from exc
                except BaseException as exc:
                    raise DeployError(f"failed to push {tag} to {namespace}") from exc
            """,
            "incorrect",
        ),
    ],
}
