"""Analysis of coded projects: agreement, queries, crosstabs, framework matrices, themes, teams.

Every function takes a :class:`~qualcode.project.Project` (or a rating table) and returns plain
values or a :class:`Table`; none of them changes a project except those that say so
(:func:`create_theme`, :func:`revise_theme`, :func:`set_summary`, :func:`read_summaries`).
Names (coders, codes, cases, themes, attributes) are taken as a researcher types them; an
unknown one is an :class:`AnalysisInputError` listing the known ones.
"""

from qualcode.analysis.agreement import (
    UndefinedAgreementError,
    alpha_interval,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from qualcode.analysis.comparison import Cells, CodingComparison, compare_coders
from qualcode.analysis.crosstabs import case_timeline, cooccurrence, crosstab
from qualcode.analysis.disagreements import disagreement_table, disagreements, machine_scores
from qualcode.analysis.framework import (
    FrameworkMatrix,
    framework_matrix,
    read_summaries,
    set_summary,
)
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.queries import (
    Filters,
    code,
    code_frequencies,
    near,
    retrieve,
    same,
    text_search,
)
from qualcode.analysis.segments import maxqda_agreement
from qualcode.analysis.table import Table
from qualcode.analysis.team import merge_coders_work, split_by_coder
from qualcode.analysis.themes import create_theme, revise_theme, theme_map_dot, theme_map_mermaid
from qualcode.analysis.unit_alpha import alpha_by_units

__all__ = [
    "AnalysisInputError",
    "Cells",
    "CodingComparison",
    "Filters",
    "FrameworkMatrix",
    "Table",
    "UndefinedAgreementError",
    "alpha_by_units",
    "alpha_interval",
    "brennan_prediger",
    "case_timeline",
    "code",
    "code_frequencies",
    "cohen_kappa",
    "compare_coders",
    "cooccurrence",
    "create_theme",
    "crosstab",
    "disagreement_table",
    "disagreements",
    "fleiss_kappa",
    "framework_matrix",
    "gwet_ac1",
    "krippendorff_alpha",
    "machine_scores",
    "maxqda_agreement",
    "merge_coders_work",
    "near",
    "percent_agreement",
    "read_summaries",
    "retrieve",
    "revise_theme",
    "same",
    "scott_pi",
    "set_summary",
    "split_by_coder",
    "text_search",
    "theme_map_dot",
    "theme_map_mermaid",
]
