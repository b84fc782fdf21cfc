"""HTML reports and plots: see what the model found, next to the article.

Modules: ``run_page`` (a run folder as one self-contained HTML file; its
stance table comes from ``stance.corpus`` via ``stance_table``), ``articles``
(one article's text, highlights and claims by actor), ``eval_page`` (eval and
comparison pages), ``plots`` (matplotlib figures, the ``report`` extra) and
``html`` (the shared Jinja environment, highlighting, safe JSON, writing).
"""

from stance.report.articles import ArticleTextView, load_article_text
from stance.report.eval_page import render_compare_html, render_eval_html, write_compare_html, write_eval_html
from stance.report.html import ReportError, highlight_segments, json_for_script, write_html
from stance.report.plots import plot_eval_metrics, plot_stance_table
from stance.report.run_page import open_run, render_run_html, write_run_report
from stance.report.stance_table import StanceTable, stance_table
from stance.runs.reader import resolve_article_path

__all__ = [
    "ArticleTextView",
    "ReportError",
    "StanceTable",
    "highlight_segments",
    "json_for_script",
    "load_article_text",
    "open_run",
    "plot_eval_metrics",
    "plot_stance_table",
    "render_compare_html",
    "render_eval_html",
    "render_run_html",
    "resolve_article_path",
    "stance_table",
    "write_compare_html",
    "write_eval_html",
    "write_html",
    "write_run_report",
]
