"""One module of checks per lesson: ``lNN_slug.py`` declares ``EXERCISES``, a tuple of
:class:`~faultlab.exercises.Exercise`. The registry collects every module here by itself;
a new lesson's checks need no other edit.
"""
