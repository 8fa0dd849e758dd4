"""Right answers for lesson 07, written differently from the solution."""

RIGHT = {
    "7.1": [
        (
            "membership test and from None",
            """
            def get_model(registry, name):
                if name not in registry:
                    raise ModelNotFound(name) from None
                return registry[name]
            """,
        ),
        (
            "sentinel with get, which keeps a stored None",
            """
            _MISSING = object()

            def get_model(registry, name):
                model = registry.get(name, _MISSING)
                if model is _MISSING:
                    raise ModelNotFound(name)
                return model
            """,
        ),
        (
            "from None inside except KeyError",
            """
            def get_model(registry, name):
                try:
                    model = registry[name]
                except KeyError:
                    raise ModelNotFound(name) from None
                return model
            """,
        ),
    ],
    "7.2": [
        (
            "range() membership",
            """
            def validate_port(port):
                if port not in range(1, 65536):
                    msg = f"port {port} is outside 1..65535"
                    raise ValueError(msg)
                return port
            """,
        ),
        (
            "a ValueError subclass and two comparisons",
            """
            class PortError(ValueError):
                pass

            def validate_port(port: int) -> int:
                if port < 1 or port > 65535:
                    raise PortError(port)
                return port
            """,
        ),
    ],
    "7.3": [
        (
            "dataclass exceptions and one try with else",
            """
            from dataclasses import dataclass

            @dataclass(eq=False)
            class SettingsMissing(LookupError):
                key: str

                def __post_init__(self):
                    super().__init__(self.key)

            @dataclass(eq=False)
            class SettingsInvalid(ValueError):
                key: str

                def __post_init__(self):
                    super().__init__(self.key)

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    raw = store.get_object(bucket, key, principal=principal)
                except FileNotFoundError as exc:
                    raise SettingsMissing(key) from exc
                try:
                    settings = json.loads(raw)
                except ValueError as exc:
                    raise SettingsInvalid(key) from exc
                else:
                    return settings
            """,
        ),
        (
            "a shared base class and a class-level attribute set in __init__",
            """
            class SettingsError(Exception):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            class SettingsMissing(SettingsError, LookupError):
                pass

            class SettingsInvalid(SettingsError, ValueError):
                pass

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    blob = store.get_object(bucket, key, principal=principal)
                except FileNotFoundError as missing:
                    raise SettingsMissing(key) from missing
                try:
                    return json.loads(blob.decode())
                except json.JSONDecodeError as bad:
                    raise SettingsInvalid(key) from bad
            """,
        ),
    ],
    "7.4": [
        (
            "count the misses and subtract",
            """
            def remove_all(paths, remove):
                missing = 0
                for path in paths:
                    try:
                        remove(path)
                    except FileNotFoundError:
                        missing += 1
                return len(paths) - missing
            """,
        ),
        (
            "a helper that says whether it removed",
            """
            def _removed(remove, path):
                try:
                    remove(path)
                except FileNotFoundError:
                    return False
                return True

            def remove_all(paths, remove):
                return sum(_removed(remove, p) for p in paths)
            """,
        ),
    ],
    "7.5": [
        (
            "a context manager",
            """
            from contextlib import contextmanager

            @contextmanager
            def _leased(acquire, release):
                lease = acquire()
                try:
                    yield lease
                finally:
                    release(lease)

            def with_lease(acquire, release, work):
                with _leased(acquire, release) as lease:
                    return work(lease)
            """,
        ),
        (
            "contextlib.ExitStack with a callback",
            """
            import contextlib

            def with_lease(acquire, release, work):
                with contextlib.ExitStack() as stack:
                    lease = acquire()
                    stack.callback(release, lease)
                    return work(lease)
            """,
        ),
    ],
}
