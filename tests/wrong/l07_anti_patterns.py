"""Known-wrong answers for lesson 07: each aimed at one boundary of its check."""

WRONG = {
    "7.1": [
        (
            "raise without from inside except (B904)",
            """
            def get_model(registry, name):
                try:
                    return registry[name]
                except KeyError:
                    raise ModelNotFound(name)
            """,
            "incorrect",
        ),
        (
            "the same, with B904 silenced by noqa",
            """
            def get_model(registry, name):
                try:
                    return registry[name]
                except KeyError:
                    raise ModelNotFound(name)  # noqa: B904
            """,
            "incorrect",
        ),
        (
            "get() and a falsy test: a model stored as 0 or None is missing",
            """
            def get_model(registry, name):
                model = registry.get(name)
                if not model:
                    raise ModelNotFound(name)
                return model
            """,
            "error",
        ),
        (
            "still leaks KeyError",
            """
            def get_model(registry, name):
                return registry[name]
            """,
            "incorrect",
        ),
        (
            "setdefault() adds the missing name to the registry",
            """
            def get_model(registry, name):
                model = registry.setdefault(name, None)
                if name == "bert" or name == "Resnet":
                    raise ModelNotFound(name) from None
                return model
            """,
            "incorrect",
        ),
    ],
    "7.2": [
        (
            "assert: gone under python -O, and S101",
            """
            def validate_port(port):
                assert 1 <= port <= 65535, f"not a TCP port: {port}"
                return port
            """,
            "incorrect",
        ),
        (
            "assert with noqa and an AssertionError handler",
            """
            def validate_port(port):
                try:
                    assert 1 <= port <= 65535  # noqa: S101
                except AssertionError:
                    raise ValueError(f"not a TCP port: {port}") from None
                return port
            """,
            "incorrect",
        ),
        (
            "0 accepted (0 <= port)",
            """
            def validate_port(port):
                if not 0 <= port <= 65535:
                    raise ValueError(f"not a TCP port: {port}")
                return port
            """,
            "incorrect",
        ),
        (
            "65536 accepted (off by one at the top)",
            """
            def validate_port(port):
                if not 1 <= port <= 65536:
                    raise ValueError(f"not a TCP port: {port}")
                return port
            """,
            "incorrect",
        ),
        (
            "message without the port",
            """
            def validate_port(port):
                if not 1 <= port <= 65535:
                    raise ValueError("invalid port")
                return port
            """,
            "incorrect",
        ),
    ],
    "7.3": [
        (
            "except OSError: a refused read becomes 'missing'",
            """
            class SettingsMissing(LookupError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            class SettingsInvalid(ValueError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    data = store.get_object(bucket, key, principal=principal)
                except OSError as err:
                    raise SettingsMissing(key) from err
                try:
                    return json.loads(data)
                except json.JSONDecodeError as err:
                    raise SettingsInvalid(key) from err
            """,
            "incorrect",
        ),
        (
            "still returns an error string for bad JSON",
            """
            class SettingsMissing(LookupError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            class SettingsInvalid(ValueError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    data = store.get_object(bucket, key, principal=principal)
                except FileNotFoundError as err:
                    raise SettingsMissing(key) from err
                try:
                    return json.loads(data)
                except json.JSONDecodeError as err:
                    return f"error: {err}"
            """,
            "incorrect",
        ),
        (
            "raise Exception(...) for a missing key (TRY002, not a LookupError)",
            """
            class SettingsMissing(LookupError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            class SettingsInvalid(ValueError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    data = store.get_object(bucket, key, principal=principal)
                except FileNotFoundError as err:
                    raise Exception(f"missing: {key}") from err
                try:
                    return json.loads(data)
                except json.JSONDecodeError as err:
                    raise SettingsInvalid(key) from err
            """,
            "incorrect",
        ),
        (
            "the cause dropped (no from): B904, and no __cause__",
            """
            class SettingsMissing(LookupError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            class SettingsInvalid(ValueError):
                def __init__(self, key):
                    super().__init__(key)
                    self.key = key

            def read_settings(store, bucket, key, *, principal="admin"):
                try:
                    data = store.get_object(bucket, key, principal=principal)
                except FileNotFoundError:
                    raise SettingsMissing(key)
                try:
                    return json.loads(data)
                except json.JSONDecodeError:
                    raise SettingsInvalid(key)
            """,
            "incorrect",
        ),
    ],
    "7.4": [
        (
            "contextlib.suppress(Exception): ruff-clean, still swallows PermissionError",
            """
            import contextlib

            def remove_all(paths, remove):
                removed = 0
                for path in paths:
                    with contextlib.suppress(Exception):
                        remove(path)
                        removed += 1
                return removed
            """,
            "incorrect",
        ),
        (
            "except OSError: continue hides the permission and disk errors",
            """
            def remove_all(paths, remove):
                removed = 0
                for path in paths:
                    try:
                        remove(path)
                    except OSError:
                        continue
                    removed += 1
                return removed
            """,
            "incorrect",
        ),
        (
            "stops at the first missing path",
            """
            def remove_all(paths, remove):
                removed = 0
                for path in paths:
                    try:
                        remove(path)
                    except FileNotFoundError:
                        return removed
                    removed += 1
                return removed
            """,
            "incorrect",
        ),
        (
            "except BaseException swallows Ctrl-C (and BLE001)",
            """
            def remove_all(paths, remove):
                removed = 0
                for path in paths:
                    try:
                        remove(path)
                    except FileNotFoundError:
                        continue
                    except BaseException as err:
                        if isinstance(err, OSError):
                            raise
                        continue
                    removed += 1
                return removed
            """,
            "incorrect",
        ),
        (
            "right behaviour, but a blind except silenced with noqa",
            """
            def remove_all(paths, remove):
                removed = 0
                for path in paths:
                    try:
                        remove(path)
                    except FileNotFoundError:
                        continue
                    removed += 1
                try:
                    summary = f"{removed} removed"
                except Exception:  # noqa: BLE001, S110
                    pass
                return removed
            """,
            "incorrect",
        ),
    ],
    "7.5": [
        (
            "return inside finally (B012) swallows the error",
            """
            def with_lease(acquire, release, work):
                lease = acquire()
                result = None
                try:
                    result = work(lease)
                finally:
                    release(lease)
                    return result
            """,
            "incorrect",
        ),
        (
            "no finally: the lease leaks when work fails",
            """
            def with_lease(acquire, release, work):
                lease = acquire()
                result = work(lease)
                release(lease)
                return result
            """,
            "incorrect",
        ),
        (
            "released twice on failure",
            """
            def with_lease(acquire, release, work):
                lease = acquire()
                try:
                    return work(lease)
                except Exception:
                    release(lease)
                    raise
                finally:
                    release(lease)
            """,
            "incorrect",
        ),
        (
            "except Exception only: Ctrl-C skips the release",
            """
            def with_lease(acquire, release, work):
                lease = acquire()
                try:
                    result = work(lease)
                except Exception:
                    release(lease)
                    raise
                release(lease)
                return result
            """,
            "incorrect",
        ),
        (
            "a release error is swallowed",
            """
            import contextlib

            def with_lease(acquire, release, work):
                lease = acquire()
                try:
                    return work(lease)
                finally:
                    with contextlib.suppress(ConnectionError):
                        release(lease)
            """,
            "incorrect",
        ),
    ],
}
