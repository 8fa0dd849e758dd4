"""Known-wrong answers for lesson 01: the classic mistakes with exception classes."""

_PLAIN_DATACLASS = """
@dataclass(eq=False)
class NotFound(StorageError, LookupError):
    bucket: str
    key: str

    def __str__(self):
        return f"object not found: {self.bucket}/{self.key}"
"""

WRONG = {
    "1.1": [
        ("dataclass without __post_init__ does not pickle", _PLAIN_DATACLASS, "incorrect"),
        (
            "frozen dataclass breaks add_note",
            """
            @dataclass(frozen=True, eq=False)
            class NotFound(StorageError, LookupError):
                bucket: str
                key: str

                def __post_init__(self):
                    super().__init__(self.bucket, self.key)

                def __str__(self):
                    return f"object not found: {self.bucket}/{self.key}"
            """,
            "incorrect",
        ),
        (
            "dataclass with eq=True is unhashable",
            """
            @dataclass
            class NotFound(StorageError, LookupError):
                bucket: str
                key: str

                def __post_init__(self):
                    super().__init__(self.bucket, self.key)

                def __str__(self):
                    return f"object not found: {self.bucket}/{self.key}"
            """,
            "incorrect",
        ),
        (
            "message is the default tuple repr",
            """
            class NotFound(StorageError, LookupError):
                def __init__(self, bucket, key):
                    super().__init__(bucket, key)
                    self.bucket, self.key = bucket, key
            """,
            "incorrect",
        ),
        (
            "not a LookupError",
            """
            class NotFound(StorageError):
                def __init__(self, bucket, key):
                    super().__init__(bucket, key)
                    self.bucket, self.key = bucket, key

                def __str__(self):
                    return f"object not found: {self.bucket}/{self.key}"
            """,
            "incorrect",
        ),
        (
            "a string error instead of a type",
            """
            def NotFound(bucket, key):
                return Exception(f"object not found: {bucket}/{key}")
            """,
            "incorrect",
        ),
    ],
    "1.2": [
        (
            "PermissionDenied is not a PermissionError",
            """
            @dataclass(eq=False)
            class PermissionDenied(StorageError):
                principal: str
                resource: str

                def __post_init__(self):
                    super().__init__(self.principal, self.resource)

                def __str__(self):
                    return f"permission denied for {self.principal} on {self.resource}"
            """,
            "incorrect",
        ),
        (
            "StorageTimeout keeps only a string",
            """
            class StorageTimeout(StorageError, TimeoutError):
                def __init__(self, seconds):
                    super().__init__(f"network timeout after {seconds}s")
            """,
            "incorrect",
        ),
        (
            "QuotaExceeded does not pickle",
            """
            class QuotaExceeded(StorageError):
                def __init__(self, used_bytes, limit_bytes):
                    super().__init__(f"storage quota exceeded: {used_bytes}/{limit_bytes} bytes")
                    self.used_bytes, self.limit_bytes = used_bytes, limit_bytes
            """,
            "incorrect",
        ),
    ],
    "1.3": [
        (
            "lets the store's built-ins leak",
            """
            def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
                return store.get_object(bucket, key, principal=principal, timeout=timeout)
            """,
            "incorrect",
        ),
        (
            "drops the cause with from None",
            """
            def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
                try:
                    return store.get_object(bucket, key, principal=principal, timeout=timeout)
                except (KeyError, FileNotFoundError):
                    raise NotFound(bucket, key) from None
                except PermissionError:
                    raise PermissionDenied(principal, f"{bucket}/{key}") from None
                except TimeoutError:
                    raise StorageTimeout(timeout) from None
            """,
            "incorrect",
        ),
        (
            "wraps every OSError, hiding the reset from retry layers",
            """
            def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
                try:
                    return store.get_object(bucket, key, principal=principal, timeout=timeout)
                except (KeyError, FileNotFoundError) as exc:
                    raise NotFound(bucket, key) from exc
                except PermissionError as exc:
                    raise PermissionDenied(principal, f"{bucket}/{key}") from exc
                except OSError as exc:
                    raise StorageTimeout(timeout) from exc
            """,
            "incorrect",
        ),
        (
            "forgets the principal",
            """
            def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
                try:
                    return store.get_object(bucket, key, timeout=timeout)
                except (KeyError, FileNotFoundError) as exc:
                    raise NotFound(bucket, key) from exc
                except TimeoutError as exc:
                    raise StorageTimeout(timeout) from exc
            """,
            "incorrect",
        ),
    ],
    "1.4": [
        (
            "StorageTimeout matched as a StorageError bug",
            """
            def explain(exc):
                match exc:
                    case NotFound(bucket=b, key=k):
                        return f"missing: {b}/{k}"
                    case PermissionDenied(principal, resource):
                        return f"ask an admin to grant {principal} access to {resource}"
                    case QuotaExceeded(used, limit):
                        return f"free {used - limit} bytes"
                    case StorageError():
                        return "bug: StorageError"
                    case TimeoutError() | ConnectionError():
                        return "transient: retry"
                    case _:
                        return f"bug: {type(exc).__name__}"
            """,
            "incorrect",
        ),
        (
            "a bare name pattern captures everything",
            """
            def explain(exc):
                match exc:
                    case other:
                        return f"bug: {type(other).__name__}"
            """,
            "incorrect",
        ),
        (
            "reads fields that do not exist",
            """
            def explain(exc):
                return f"missing: {exc.path}"
            """,
            "error",
        ),
    ],
}

WRONG["1.1"] += [
    (
        "a dataclass that never fills .args, built with keywords",
        """
        @dataclass(eq=False)
        class NotFound(StorageError, LookupError):
            bucket: str
            key: str

            def __post_init__(self):
                self.args = ()

            def __str__(self):
                return f"object not found: {self.bucket}/{self.key}"
        """,
        "incorrect",
    ),
]
WRONG["1.1"] += [
    (
        "@dataclass put on the stub, the stub's __init__ kept (a dataclass keeps it)",
        """
        @dataclass(eq=False)
        class NotFound(StorageError, LookupError):
            bucket: str
            key: str

            def __init__(self, *args: object, **kwargs: object) -> None:
                raise NotImplementedError('exercise 1.1: NotFound: a typed error with fields and a message')

            def __post_init__(self):
                Exception.__init__(self, self.bucket, self.key)

            def __str__(self):
                return f"object not found: {self.bucket}/{self.key}"
        """,
        "not_attempted",
    ),
]
WRONG["1.2"] += [
    (
        "super().__init__(principal, resource) on a PermissionError: errno='carol'",
        """
        @dataclass(eq=False)
        class PermissionDenied(StorageError, PermissionError):
            principal: str
            resource: str

            def __post_init__(self):
                super().__init__(self.principal, self.resource)

            def __str__(self):
                return f"permission denied for {self.principal} on {self.resource}"
        """,
        "incorrect",
    ),
    (
        "frozen StorageTimeout cannot be unpickled",
        """
        @dataclass(frozen=True, eq=False)
        class StorageTimeout(StorageError, TimeoutError):
            seconds: float

            def __post_init__(self):
                Exception.__init__(self, self.seconds)

            def __str__(self):
                return f"network timeout after {self.seconds}s"
        """,
        "incorrect",
    ),
]
WRONG["1.3"] += [
    (
        "lets ConnectionError through but maps every other OSError to NotFound (EIO becomes 'not found')",
        """
        def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
            try:
                return store.get_object(bucket, key, principal=principal, timeout=timeout)
            except ConnectionError:
                raise
            except PermissionError as exc:
                raise PermissionDenied(principal, f"{bucket}/{key}") from exc
            except TimeoutError as exc:
                raise StorageTimeout(timeout) from exc
            except (KeyError, OSError) as exc:
                raise NotFound(bucket, key) from exc
        """,
        "incorrect",
    ),
    (
        "catches Exception and wraps a bug as NotFound",
        """
        def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
            try:
                return store.get_object(bucket, key, principal=principal, timeout=timeout)
            except (ConnectionError, OSError) as exc:
                if isinstance(exc, PermissionError):
                    raise PermissionDenied(principal, f"{bucket}/{key}") from exc
                if isinstance(exc, TimeoutError):
                    raise StorageTimeout(timeout) from exc
                if isinstance(exc, FileNotFoundError):
                    raise NotFound(bucket, key) from exc
                raise
            except Exception as exc:
                raise NotFound(bucket, key) from exc
        """,
        "incorrect",
    ),
]
WRONG["1.4"] += [
    (
        "case OSError() is 'transient': a built-in FileNotFoundError too",
        """
        def explain(exc):
            match exc:
                case NotFound(bucket=b, key=k):
                    return f"missing: {b}/{k}"
                case PermissionDenied(principal, resource):
                    return f"ask an admin to grant {principal} access to {resource}"
                case QuotaExceeded(used, limit):
                    return f"free {used - limit} bytes"
                case OSError():
                    return "transient: retry"
                case _:
                    return f"bug: {type(exc).__name__}"
        """,
        "incorrect",
    ),
    (
        "positional pattern on a plain class without __match_args__",
        """
        def explain(exc):
            match exc:
                case NotFound(bucket, key):
                    return f"missing: {bucket}/{key}"
                case PermissionDenied(principal, resource):
                    return f"ask an admin to grant {principal} access to {resource}"
                case QuotaExceeded(used, limit):
                    return f"free {used - limit} bytes"
                case TimeoutError() | ConnectionError():
                    return "transient: retry"
                case _:
                    return f"bug: {type(exc).__name__}"
        """,
        "error",
    ),
    (
        "built-in PermissionError advised as a grant",
        """
        def explain(exc):
            match exc:
                case NotFound(bucket=b, key=k):
                    return f"missing: {b}/{k}"
                case PermissionError():
                    who, what = getattr(exc, "principal", "?"), getattr(exc, "resource", "?")
                    return f"ask an admin to grant {who} access to {what}"
                case QuotaExceeded(used, limit):
                    return f"free {used - limit} bytes"
                case TimeoutError() | ConnectionError():
                    return "transient: retry"
                case _:
                    return f"bug: {type(exc).__name__}"
        """,
        "incorrect",
    ),
]
