"""The duplicate tests' learners and admins, for the learners tests too."""

from tests.dedup.conftest import admin, make_learner

__all__ = ["admin", "make_learner"]
