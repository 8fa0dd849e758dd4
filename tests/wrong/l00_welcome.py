"""Known-wrong answers for lesson 00."""

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
