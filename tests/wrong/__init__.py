"""Known-wrong answers, one module per lesson: ``WRONG = {"N.M": [(why, source, status), ...]}``.

Collected by :mod:`tests.answers`. These stay out of the student bundle.
"""
