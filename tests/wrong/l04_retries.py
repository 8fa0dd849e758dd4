"""Known-wrong answers for lesson 04: the classic mistakes of retry code.

Among them the five the lesson is built around: no jitter, retrying everything,
sleeping after the last attempt, wrapping the final error, swallowing KeyboardInterrupt.
"""

# A correct helper shape, reused by the wrong answers that differ in one place only.
_RETRY = """
def retry(op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
          sleep=time.sleep, clock=time.monotonic, rng=random):
    start = clock()
    history = []
    for attempt in range(1, attempts + 1):
        try:
            return op()
        {EXCEPT}
            history.append(f"attempt {{attempt}}/{{attempts}}: {{type(exc).__name__}}: {{exc}}")
            delay = None
            if {RETRYABLE} and attempt < attempts:
                told = retry_on(exc)
                delay = told if type(told) in (int, float) else {DELAY}
                if deadline is not None and {DEADLINE}:
                    delay = None
            if delay is None:
                for line in history:
                    {NOTE}
                {RAISE}
        sleep(delay)
"""

_OK = {
    "EXCEPT": "except Exception as exc:",
    "RETRYABLE": "retry_on(exc)",
    "DELAY": "rng.uniform(0, min(cap, base * 2 ** min(attempt - 1, 1000)))",
    "DEADLINE": "clock() + delay > start + deadline",
    "NOTE": "exc.add_note(line)",
    "RAISE": "raise",
}


def _retry(**changes: str) -> str:
    return _RETRY.format(**{**_OK, **changes})


def _aretry(**changes: str) -> str:
    source = _retry(**changes)
    source = source.replace("def retry(", "async def aretry(").replace("sleep=time.sleep", "sleep=asyncio.sleep")
    source = source.replace("return op()", "return await op()")
    return source.replace("        sleep(delay)", "        await sleep(delay)")


_SEND = """
def send_with_retry(client, request, *, attempts=4, base=0.1, cap=5.0, max_wait=60.0, sleep=time.sleep, rng=random):
    if {GUARD}:
        return client.send(request)
    history = []
    for attempt in range(1, attempts + 1):
        try:
            response = client.send(request)
        except httpx.TransportError as exc:
            history.append(f"attempt {{attempt}}/{{attempts}}: {{type(exc).__name__}}: {{exc}}")
            if attempt == attempts:
                for line in history:
                    exc.add_note(line)
                {RAISE}
            delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
        else:
            if response.status_code not in {STATUSES} or attempt == attempts:
                return response
            try:
                delay = float(response.headers.get("Retry-After", ""))
            except ValueError:
                delay = None
            {AFTER}
        sleep(delay)
"""

_SEND_OK = {
    "GUARD": 'request.method not in {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"} '
    'and "Idempotency-Key" not in request.headers',
    "RAISE": "raise",
    "STATUSES": "{429, 502, 503, 504}",
    "AFTER": """if delay is None or not delay >= 0:
                delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
            elif delay > max_wait:
                return response""",
}


def _send(**changes: str) -> str:
    return _SEND.format(**{**_SEND_OK, **changes})


WRONG = {
    "4.1": [
        (
            "no jitter: the ceiling itself",
            """
            def full_jitter(attempt, *, base, cap, rng):
                return min(cap, base * 2 ** min(attempt - 1, 1000))
            """,
            "incorrect",
        ),
        (
            "jitter then clamp: every client sleeps exactly the cap",
            """
            def full_jitter(attempt, *, base, cap, rng):
                return min(cap, rng.uniform(0, base * 2.0 ** min(attempt - 1, 1000)))
            """,
            "incorrect",
        ),
        (
            "overflows at attempt 2000",
            """
            def full_jitter(attempt, *, base, cap, rng):
                return rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
            """,
            "incorrect",
        ),
        (
            "equal jitter over the whole range",
            """
            def equal_jitter(attempt, *, base, cap, rng):
                return rng.uniform(0, min(cap, base * 2.0 ** min(attempt - 1, 1000)))
            """,
            "incorrect",
        ),
        (
            "decorrelated jitter drawn from zero (a known typo of the formula)",
            """
            def decorrelated_jitter(previous, *, base, cap, rng):
                return min(cap, rng.uniform(0, previous * 3))
            """,
            "incorrect",
        ),
        (
            "decorrelated jitter without jitter",
            """
            def decorrelated_jitter(previous, *, base, cap, rng):
                return min(cap, previous * 3)
            """,
            "incorrect",
        ),
    ],
    "4.2": [
        (
            "retrying everything: every error is transient",
            """
            def is_transient(exc):
                return True
            """,
            "incorrect",
        ),
        (
            "every OSError is transient (so are missing keys and full disks)",
            """
            def is_transient(exc):
                return isinstance(exc, OSError)
            """,
            "incorrect",
        ),
        (
            "ignores the cause chain",
            """
            def is_transient(exc):
                return isinstance(exc, (TimeoutError, ConnectionError))
            """,
            "incorrect",
        ),
        (
            "follows __context__ as well as __cause__",
            """
            def is_transient(exc):
                while exc is not None:
                    if isinstance(exc, (TimeoutError, ConnectionError)):
                        return True
                    exc = exc.__cause__ or exc.__context__
                return False
            """,
            "incorrect",
        ),
    ],
    "4.3": [
        ("no jitter", _retry(DELAY="min(cap, base * 2 ** (attempt - 1))"), "incorrect"),
        ("retrying everything", _retry(RETRYABLE="True"), "incorrect"),
        (
            "sleeping after the last attempt",
            """
            def retry(op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                      sleep=time.sleep, clock=time.monotonic, rng=random):
                history = []
                for attempt in range(1, attempts + 1):
                    try:
                        return op()
                    except Exception as exc:
                        history.append(f"attempt {attempt}/{attempts}: {type(exc).__name__}: {exc}")
                        if not retry_on(exc):
                            raise
                        last = exc
                    sleep(rng.uniform(0, min(cap, base * 2 ** (attempt - 1))))
                for line in history:
                    last.add_note(line)
                raise last
            """,
            "incorrect",
        ),
        (
            "wrapping the final error",
            "class RetryError(Exception):\n    pass\n" + _retry(RAISE="raise RetryError(f'gave up: {exc}') from exc"),
            "incorrect",
        ),
        ("swallowing KeyboardInterrupt", _retry(EXCEPT="except BaseException as exc:"), "incorrect"),
        ("no notes on the final error", _retry(NOTE="pass"), "incorrect"),
        (
            "a note on each attempt's own error only",
            _retry(NOTE="pass", RAISE="exc.add_note(history[-1]); raise"),
            "incorrect",
        ),
        ("ignores the deadline", _retry(DEADLINE="False"), "incorrect"),
        (
            "the article's helper, ported as is",
            """
            def retry(op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                      sleep=time.sleep, clock=time.monotonic, rng=random):
                for attempt in range(1, attempts + 1):
                    try:
                        return op()
                    except Exception:
                        if attempt >= attempts:
                            raise
                        sleep(base * 2 ** (attempt - 1))
            """,
            "incorrect",
        ),
    ],
    "4.4": [
        ("no jitter", _aretry(DELAY="min(cap, base * 2 ** (attempt - 1))"), "incorrect"),
        ("swallowing CancelledError", _aretry(EXCEPT="except BaseException as exc:"), "incorrect"),
        ("retrying everything", _aretry(RETRYABLE="True"), "incorrect"),
        ("wrapping the final error", _aretry(RAISE="raise RuntimeError('gave up') from exc"), "incorrect"),
        ("a plain def, not a coroutine function", _retry().replace("def retry(", "def aretry("), "incorrect"),
    ],
    "4.5": [
        (
            "refunds past the capacity",
            """
            class RetryQuota:
                def __init__(self, capacity=500, *, retry_cost=5, timeout_cost=10, success_refund=1):
                    self.available = capacity
                    self.retry_cost, self.timeout_cost, self.success_refund = retry_cost, timeout_cost, success_refund

                def acquire(self, exc):
                    cost = self.timeout_cost if isinstance(exc, TimeoutError) else self.retry_cost
                    if cost > self.available:
                        return 0
                    self.available -= cost
                    return cost

                def release(self, cost=0):
                    self.available += cost or self.success_refund
            """,
            "incorrect",
        ),
        (
            "timeouts cost the same as other retries",
            """
            class RetryQuota:
                def __init__(self, capacity=500, **costs):
                    self.capacity = self.available = capacity

                def acquire(self, exc):
                    if self.available < 5:
                        return 0
                    self.available -= 5
                    return 5

                def release(self, cost=0):
                    self.available = min(self.capacity, self.available + (cost or 1))
            """,
            "incorrect",
        ),
        (
            "acquire returns a bool",
            """
            class RetryQuota:
                def __init__(self, capacity=500, **costs):
                    self.capacity = self.available = capacity

                def acquire(self, exc):
                    cost = 10 if isinstance(exc, TimeoutError) else 5
                    if cost > self.available:
                        return False
                    self.available -= cost
                    return True

                def release(self, cost=0):
                    self.available = min(self.capacity, self.available + (cost or 1))
            """,
            "incorrect",
        ),
        (
            "never refuses: the budget goes negative",
            """
            class RetryQuota:
                def __init__(self, capacity=500, **costs):
                    self.capacity = self.available = capacity

                def acquire(self, exc):
                    cost = 10 if isinstance(exc, TimeoutError) else 5
                    self.available -= cost
                    return cost

                def release(self, cost=0):
                    self.available = min(self.capacity, self.available + (cost or 1))
            """,
            "incorrect",
        ),
    ],
    "4.6": [
        ("retries a POST without an Idempotency-Key", _send(GUARD="False"), "incorrect"),
        ("retries every status, 404 included", _send(STATUSES="range(400, 600)"), "incorrect"),
        (
            "ignores Retry-After",
            _send(AFTER="delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))"),
            "incorrect",
        ),
        (
            "jitter on top of Retry-After",
            _send(
                AFTER="""if delay is None:
                delay = 0.0
            delay += rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))"""
            ),
            "incorrect",
        ),
        (
            "waits less than Retry-After asks",
            _send(
                AFTER="""if delay is None:
                delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
            delay = min(delay, max_wait)"""
            ),
            "incorrect",
        ),
        ("wrapping the final error", _send(RAISE="raise RuntimeError('gave up') from exc"), "incorrect"),
    ],
    "4.7": [
        (
            "tenacity's defaults: retries forever, every error, no wait",
            """
            def safe_retrying(*, sleep=time.sleep):
                return tenacity.Retrying(sleep=sleep)
            """,
            "incorrect",
        ),
        (
            "no reraise: the final error arrives wrapped in RetryError",
            """
            def safe_retrying(*, sleep=time.sleep):
                return tenacity.Retrying(
                    stop=tenacity.stop_after_attempt(5),
                    wait=tenacity.wait_random_exponential(multiplier=0.1, max=5),
                    retry=tenacity.retry_if_exception(is_transient),
                    sleep=sleep,
                )
            """,
            "incorrect",
        ),
        (
            "no jitter: wait_exponential",
            """
            def safe_retrying(*, sleep=time.sleep):
                return tenacity.Retrying(
                    stop=tenacity.stop_after_attempt(5),
                    wait=tenacity.wait_exponential(multiplier=0.1, max=5),
                    retry=tenacity.retry_if_exception(is_transient),
                    reraise=True,
                    sleep=sleep,
                )
            """,
            "incorrect",
        ),
        (
            "retrying everything",
            """
            def safe_retrying(*, sleep=time.sleep):
                return tenacity.Retrying(
                    stop=tenacity.stop_after_attempt(5),
                    wait=tenacity.wait_random_exponential(multiplier=0.1, max=5),
                    reraise=True,
                    sleep=sleep,
                )
            """,
            "incorrect",
        ),
    ],
}

_QUOTA = """
class RetryQuota:
    def __init__(self, capacity=500, *, retry_cost=5, timeout_cost=10, success_refund=1):
        self.capacity, self.available = capacity, capacity
        self.retry_cost, self.timeout_cost, self.success_refund = {COSTS}

    def acquire(self, exc):
        cost = self.timeout_cost if isinstance(exc, TimeoutError) else self.retry_cost
        if {REFUSE}:
            return 0
        self.available -= cost
        return cost

    def release(self, cost=0):
        self.available = min(self.capacity, self.available + (cost or self.success_refund))
"""
_QUOTA_OK = {"COSTS": "retry_cost, timeout_cost, success_refund", "REFUSE": "cost > self.available"}


def _quota(**changes: str) -> str:
    return _QUOTA.format(**{**_QUOTA_OK, **changes})


WRONG["4.3"] += [
    (
        "True taken for a number: every jittered pause becomes 1 second",
        _retry().replace("type(told) in (int, float)", "isinstance(told, (int, float))"),
        "incorrect",
    ),
    (
        "the number retry_on gives is ignored: full jitter every time",
        _retry().replace("told if type(told) in (int, float) else ", ""),
        "incorrect",
    ),
]
WRONG["4.2"] += [
    (
        "errno-based: every OSError with an errno other than ENOSPC is transient (a quota, EDQUOT, too)",
        """
        import errno

        def is_transient(exc):
            while exc is not None:
                if isinstance(exc, (TimeoutError, ConnectionError)):
                    return True
                if isinstance(exc, OSError) and exc.errno not in (None, errno.ENOENT, errno.EACCES, errno.ENOSPC):
                    return True
                exc = exc.__cause__
            return False
        """,
        "incorrect",
    ),
]
WRONG["4.5"] += [
    (
        "refuses only once empty: goes below zero when the cost does not fit",
        _quota(REFUSE="self.available <= 0"),
        "incorrect",
    ),
    ("botocore's costs hard-coded, the arguments ignored", _quota(COSTS="5, 10, 1"), "incorrect"),
]
WRONG["4.6"] += [
    (
        "a plain POST retried on 503 (only transport errors are guarded)",
        _send(GUARD="False").replace(
            "        except httpx.TransportError as exc:\n",
            "        except httpx.TransportError as exc:\n"
            '            if request.method == "POST" and "Idempotency-Key" not in request.headers:\n'
            "                raise\n",
        ),
        "incorrect",
    ),
    (
        "Retry-After clamped down to the backoff cap",
        _send(
            AFTER="""if delay is None or not delay >= 0:
                delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
            elif delay > max_wait:
                return response
            delay = min(delay, cap)"""
        ),
        "incorrect",
    ),
    (
        "Retry-After: nan becomes max(0, nan) = 0: no wait at all",
        _send(
            AFTER="""if delay is None:
                delay = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
            elif delay > max_wait:
                return response
            delay = max(0.0, delay)"""
        ),
        "incorrect",
    ),
    (
        "retries GET only: an idempotent PUT is sent once",
        _send(GUARD='request.method != "GET" and "Idempotency-Key" not in request.headers'),
        "incorrect",
    ),
]
WRONG["4.7"] += [
    (
        "no wait= at all: tenacity's wait_none",
        """
        def safe_retrying(*, sleep=time.sleep):
            return tenacity.Retrying(
                stop=tenacity.stop_after_attempt(5) | tenacity.stop_after_delay(30),
                retry=tenacity.retry_if_exception(is_transient),
                reraise=True,
                sleep=sleep,
            )
        """,
        "incorrect",
    ),
    (
        "retry_if_exception_type: a timeout wrapped by `raise … from` is not retried",
        """
        def safe_retrying(*, sleep=time.sleep):
            return tenacity.Retrying(
                stop=tenacity.stop_after_attempt(5) | tenacity.stop_after_delay(30),
                wait=tenacity.wait_random_exponential(multiplier=0.1, max=5),
                retry=tenacity.retry_if_exception_type((TimeoutError, ConnectionError)),
                reraise=True,
                sleep=sleep,
            )
        """,
        "incorrect",
    ),
]
