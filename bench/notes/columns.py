"""Prints the reference scorer's output columns, one line per file (its name,
a tab, its columns in order), from its constants.py: the source of
tests/notes/vectors/upstream_columns.tsv.

Usage: COMMUNITYNOTES=CHECKOUT columns.py > upstream_columns.tsv (after the
four comment lines). Needs Debian's python3-pandas and the pyarrow stand-in
of run.sh (constants.py asks for pandas' pyarrow string dtype).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("COMMUNITYNOTES", "/tmp/cnref"), "scoring", "src"))

from scoring import constants as c  # noqa: E402

for name, cols in (("scored_notes.tsv", c.noteModelOutputTSVColumns),
                   ("helpfulness_scores.tsv", c.raterModelOutputTSVColumns),
                   ("note_status_history.tsv", c.noteStatusHistoryTSVColumns),
                   ("aux_note_info.tsv", c.auxiliaryScoredNotesTSVColumns)):
    print(name + "\t" + "\t".join(cols))
