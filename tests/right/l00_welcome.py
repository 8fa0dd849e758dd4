"""Right answers for lesson 00, written differently from the solution."""

RIGHT = {
    "0.1": [
        (
            "a regular expression, then the range",
            """
            import re

            def parse_port(text):
                match = re.fullmatch(r"\\s*(\\d{1,5})\\s*", text)
                if match is None or not 1 <= int(match.group(1)) <= 65535:
                    raise ValueError(f"not a TCP port: {text!r}")
                return int(match.group(1))
            """,
        ),
        (
            "isdecimal() and membership in a range",
            """
            def parse_port(text: str) -> int:
                digits = text.strip()
                if digits.isdecimal() and int(digits) in range(1, 65536):
                    return int(digits)
                raise ValueError(f"{text!r} is not a port between 1 and 65535")
            """,
        ),
        (
            "a callable object instead of a function, raising from int's error",
            """
            class PortParser:
                low, high = 1, 65535

                def __call__(self, text):
                    try:
                        port = int(text)
                    except ValueError as exc:
                        raise ValueError(f"bad port {text!r}") from exc
                    if port < self.low or port > self.high:
                        raise ValueError(f"port out of range: {text!r}")
                    return port

            parse_port = PortParser()
            """,
        ),
    ],
}
