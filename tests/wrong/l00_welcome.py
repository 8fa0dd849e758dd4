"""Known-wrong answers for lesson 00, each aimed at one boundary."""

WRONG = {
    "0.1": [
        ("no range check", "def parse_port(text):\n    return int(text)\n", "incorrect"),
        (
            "assert for validation",
            """
            def parse_port(text):
                port = int(text)
                assert 1 <= port <= 65535, text
                return port
            """,
            "incorrect",
        ),
        (
            "assert caught and turned into ValueError: gone under python -O",
            """
            def parse_port(text):
                try:
                    port = int(text)
                    assert 1 <= port <= 65535
                except (ValueError, AssertionError):
                    raise ValueError(f"not a TCP port: {text!r}") from None
                return port
            """,
            "incorrect",
        ),
        (
            "int(float(text)) accepts '80.9'",
            """
            def parse_port(text):
                try:
                    port = int(float(text))
                except ValueError:
                    raise ValueError(f"not a TCP port: {text!r}") from None
                if not 1 <= port <= 65535:
                    raise ValueError(f"not a TCP port: {text!r}")
                return port
            """,
            "incorrect",
        ),
        (
            "off by one at the top: 65535 rejected",
            """
            def parse_port(text):
                try:
                    port = int(text)
                except ValueError:
                    raise ValueError(f"not a TCP port: {text!r}") from None
                if not 1 <= port < 65535:
                    raise ValueError(f"not a TCP port: {text!r}")
                return port
            """,
            "error",
        ),
        (
            "returns a string",
            """
            def parse_port(text):
                port = int(text)
                if not 1 <= port <= 65535:
                    raise ValueError(f"not a TCP port: {text!r}")
                return text.strip()
            """,
            "incorrect",
        ),
        (
            "message hides the input",
            """
            def parse_port(text):
                try:
                    port = int(text)
                except ValueError:
                    raise ValueError("bad port") from None
                if not 1 <= port <= 65535:
                    raise ValueError("bad port")
                return port
            """,
            "incorrect",
        ),
        ("crashes on good input", "def parse_port(text):\n    return text.port\n", "error"),
    ],
}
