"""Right answers written differently from the solution, one module per lesson:
``RIGHT = {"N.M": [(why, source), ...]}``. Collected by :mod:`tests.answers`.
"""
