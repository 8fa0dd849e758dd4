"""Right answers for lesson 02, written differently from the solution notebook."""

_CLASS_CONTEXT = """
class context:
    def __init__(self, message):
        self.message = message

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, Exception):
            raise DeployError(self.message) from exc
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper
"""

RIGHT = {
    "2.1": [
        ("a class with __enter__, __exit__ and __call__", _CLASS_CONTEXT),
        (
            "a contextlib.ContextDecorator subclass",
            """
            class context(contextlib.ContextDecorator):
                def __init__(self, message):
                    self.message = message

                def __enter__(self):
                    return self

                def __exit__(self, exc_type, exc, tb):
                    if exc_type is not None and issubclass(exc_type, Exception):
                        raise DeployError(self.message) from exc
                    return None
            """,
        ),
        (
            "a generator that re-raises BaseExceptions explicitly",
            """
            @contextlib.contextmanager
            def context(message):
                try:
                    yield
                except BaseException as exc:
                    if not isinstance(exc, Exception):
                        raise
                    raise DeployError(message) from exc
            """,
        ),
    ],
    "2.2": [
        (
            "a ContextDecorator that keeps the callable",
            """
            class lazy_context(contextlib.ContextDecorator):
                def __init__(self, make):
                    self.make = make

                def __enter__(self):
                    return self

                def __exit__(self, exc_type, exc, tb):
                    if isinstance(exc, Exception):
                        raise DeployError(self.make()) from exc
                    return False
            """,
        ),
        (
            "a class of its own with functools.wraps",
            """
            class lazy_context:
                def __init__(self, make):
                    self._make = make

                def __enter__(self):
                    return None

                def __exit__(self, exc_type, exc, tb):
                    if exc is None or not isinstance(exc, Exception):
                        return False
                    message = self._make()
                    raise DeployError(message) from exc

                def __call__(self, func):
                    @functools.wraps(func)
                    def run(*args, **kwargs):
                        with lazy_context(self._make):
                            return func(*args, **kwargs)

                    return run
            """,
        ),
    ],
    "2.3": [
        (
            "raise exc re-raises the same object",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    artifact = artifacts.download(uri, principal=principal)
                except Exception as exc:
                    exc.add_note(f"fetching {uri} as {principal}")
                    raise exc
                return artifact.data
            """,
        ),
        (
            "a reusable noting context manager",
            """
            @contextlib.contextmanager
            def noted(message):
                try:
                    yield
                except Exception as exc:
                    exc.add_note(message)
                    raise


            def fetch_artifact(artifacts, uri, *, principal="admin"):
                with noted(f"fetching {uri} as {principal}"):
                    return artifacts.download(uri, principal=principal).data
            """,
        ),
        (
            "BaseException caught, only Exceptions noted",
            """
            def fetch_artifact(artifacts, uri, *, principal="admin"):
                try:
                    return artifacts.download(uri, principal=principal).data
                except BaseException as exc:
                    if isinstance(exc, Exception):
                        exc.add_note(f"fetching {uri} as {principal}")
                    raise
            """,
        ),
    ],
    "2.4": [
        (
            "plain try/except per step, no helper",
            """
            def deploy_model(world, uri, tag, *, namespace, token):
                try:
                    artifact = world.artifacts.download(uri)
                except Exception as exc:
                    raise DeployError(f"failed to download model artifact {uri}") from exc
                try:
                    image = world.builder.build(artifact.data, tag=tag)
                except Exception as exc:
                    raise DeployError(f"failed to build container {tag}") from exc
                try:
                    ref = world.registry.push(image, namespace=namespace, token=token)
                except PermissionError as exc:
                    raise PushDenied(namespace) from exc
                except Exception as exc:
                    raise DeployError(f"failed to push {tag} to {namespace}") from exc
                return ref
            """,
        ),
        (
            "a class with one method per step, lazy messages",
            """
            class Deployment:
                def __init__(self, world, namespace, token):
                    self.world, self.namespace, self.token = world, namespace, token

                def download(self, uri):
                    with lazy_context(lambda: f"failed to download model artifact {uri}"):
                        return self.world.artifacts.download(uri)

                def build(self, artifact, tag):
                    with lazy_context(lambda: f"failed to build container {tag}"):
                        return self.world.builder.build(artifact.data, tag=tag)

                def push(self, image, tag):
                    try:
                        return self.world.registry.push(image, namespace=self.namespace, token=self.token)
                    except PermissionError as exc:
                        raise PushDenied(self.namespace) from exc
                    except Exception as exc:
                        raise DeployError(f"failed to push {tag} to {self.namespace}") from exc


            def deploy_model(world, uri, tag, *, namespace, token):
                job = Deployment(world, namespace, token)
                return job.push(job.build(job.download(uri), tag), tag)
            """,
        ),
    ],
}
