"""Importing a school's pupil list: one code path for the upload page and `widen import learners`.

Reading and checking the file (`checking`) and writing and undoing it (`commit`) are two modules;
this one gathers the services the pages, the commands and other apps call.
"""

from __future__ import annotations

from widen.core.uploads import rollback_period
from widen.learners.imports.checking import (
    PUPIL_LISTS,
    ImportReport,
    column_of,
    describe_row_problems,
    forget_read_files,
    import_limits,
    importable_fields,
    importable_schools,
    learner_import_check,
    learner_import_map_columns,
    learner_import_start,
    may_import,
    may_manage_run,
    read_run_file,
    require_import,
    runs_in_background,
    saved_mapping_for,
)
from widen.learners.imports.commit import (
    import_runs_purge,
    learner_import_commit,
    learner_import_roll_back,
    rollback_deadline,
)

__all__ = [
    "PUPIL_LISTS",
    "ImportReport",
    "column_of",
    "describe_row_problems",
    "forget_read_files",
    "import_limits",
    "import_runs_purge",
    "importable_fields",
    "importable_schools",
    "learner_import_check",
    "learner_import_commit",
    "learner_import_map_columns",
    "learner_import_roll_back",
    "learner_import_start",
    "may_import",
    "may_manage_run",
    "read_run_file",
    "require_import",
    "rollback_deadline",
    "rollback_period",
    "runs_in_background",
    "saved_mapping_for",
]
