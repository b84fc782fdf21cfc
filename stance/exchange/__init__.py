"""Formats other tools read and write back: Label Studio tasks and exports, DNA databases, gold-file drafts.

A person corrects a run where they already work, and the corrections come
back as fixtures (``NAME.txt`` + ``NAME.gold.json``, shared/fixtures/FORMAT.md,
the gold models of ``stance.evals``) or as a corrected run folder. This room
sits beside ``report`` (both read runs through ``corpus``/``runs`` and
``evals``' gold models; neither imports the other). docs/corrections.md walks
through the three paths.
"""

from ._articles import (
    ExchangeError,
    Sourced,
    SourcedResult,
    fixture_name,
    gold_file,
    read_run_texts,
    write_fixtures,
    write_run_folder,
)
from ._offsets import Utf16Offsets
from .dna import DNA_TABLES, DnaReport, read_dna, write_dna
from .labelstudio import ImportedTasks, LabelStudioExport, label_config, read_label_studio, write_label_studio

__all__ = [
    "DNA_TABLES",
    "DnaReport",
    "ExchangeError",
    "ImportedTasks",
    "LabelStudioExport",
    "Sourced",
    "SourcedResult",
    "Utf16Offsets",
    "fixture_name",
    "gold_file",
    "label_config",
    "read_dna",
    "read_label_studio",
    "read_run_texts",
    "write_dna",
    "write_fixtures",
    "write_label_studio",
    "write_run_folder",
]
