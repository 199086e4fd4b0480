# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's pure helpers (benchmarks/measure.py): percentiles, the overhead formula, ratios, verdicts, table and
importtime parsing; and the report (benchmarks/report.py) filling its template."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.benchmarks import measure as bench
from ansible_collections.hwcloud.dms.benchmarks.report import Report


def test_percentile_interpolates_like_numpy():
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert bench.percentile(values, 0) == 1.0
    assert bench.percentile(values, 100) == 5.0
    assert bench.percentile(values, 50) == 3.0
    assert bench.percentile(values, 25) == 2.0
    assert bench.percentile([1.0, 2.0], 95) == pytest.approx(1.95)
    assert bench.percentile([7.0], 95) == 7.0


def test_median_of_even_count_is_the_mean_of_the_middle_two():
    assert bench.median([4.0, 1.0, 3.0, 2.0]) == 2.5


@pytest.mark.parametrize("values, q", [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_bad_input(values, q):
    with pytest.raises(ValueError):
        bench.percentile(values, q)


def test_wait_overhead_subtracts_k_sleeps():
    # 20 polls of 0.5 s: 10 s of the 12.5 s were pauses.
    assert bench.wait_overhead(12.5, 20, 0.5) == pytest.approx(2.5)
    assert bench.wait_overhead(3.0, 0, 0.5) == 3.0


def test_ratio_is_none_when_undefined():
    assert bench.ratio(10.0, 2.0) == 5.0
    assert bench.ratio(10.0, 0.0) is None
    assert bench.ratio(10.0, -1.0) is None
    assert bench.ratio(None, 1.0) is None
    assert bench.ratio(1.0, None) is None


def test_verdict():
    assert bench.verdict(12.0, 10, ">=") == "met"
    assert bench.verdict(9.9, 10, ">=") == "MISSED"
    assert bench.verdict(1, 1, "<=") == "met"
    assert bench.verdict(2, 1, "<=") == "MISSED"
    assert bench.verdict(None, 1, "<=") == "n/a"


def test_concurrency_limit_ignores_a_negative_fork_overhead():
    assert bench.concurrency_limit(14.0, 20.0) == 48.0
    assert bench.concurrency_limit(14.0, -0.5) == 28.0


def test_fmt():
    assert bench.fmt(None) == "n/a"
    assert bench.fmt(3) == "3"
    assert bench.fmt(1.23456, " s") == "1.23 s"
    assert bench.fmt(411.7, digits=0) == "412"


def test_markdown_table_escapes_pipes_and_checks_widths():
    table = bench.markdown_table(["a", "b"], [["x|y", 1], ["z", None]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | 1 |", "| z | None |"]
    with pytest.raises(ValueError):
        bench.markdown_table(["a", "b"], [["only one"]])


def test_parse_importtime_reads_self_cumulative_and_depth():
    text = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       176 |        176 |     _io",
            "import time:      2601 |     157892 |   ansible.module_utils.basic",
            "import time:     12874 |     280998 | ansible_collections.hwcloud.dms.plugins.modules.dms_task_info",
            "something else",
        ]
    )
    entries = bench.parse_importtime(text)
    assert [e["name"] for e in entries] == [
        "_io",
        "ansible.module_utils.basic",
        "ansible_collections.hwcloud.dms.plugins.modules.dms_task_info",
    ]
    assert entries[1]["self"] == pytest.approx(0.002601)
    assert entries[1]["cumulative"] == pytest.approx(0.157892)
    assert [e["depth"] for e in entries] == [2, 1, 0]


def test_seconds_marker_takes_the_last_value():
    out = 'ok: [localhost] => {\n    "msg": "BENCH_TASK_SECONDS=1.5"\n}\n"msg": "BENCH_TASK_SECONDS=12.25"'
    assert bench.seconds_marker(out, "BENCH_TASK_SECONDS") == 12.25
    assert bench.seconds_marker("nothing", "BENCH_TASK_SECONDS") is None


def test_iso_to_epoch_handles_the_api_format():
    assert bench.iso_to_epoch("1970-01-01T00:00:01.500Z") == pytest.approx(1.5)
    assert bench.iso_to_epoch("2020-06-15T08:55:53.606Z") == pytest.approx(1592211353.606)


def test_importtime_parent_is_the_next_shallower_entry():
    entries = [{"name": "_io", "depth": 2}, {"name": "basic", "depth": 1}, {"name": "module", "depth": 0}]
    assert bench.importtime_parent(entries, entries[0]) == "basic"
    assert bench.importtime_parent(entries, entries[1]) == "module"
    assert bench.importtime_parent(entries, entries[2]) is None


def test_report_of_an_empty_run_fills_every_placeholder_of_the_template():
    text = Report({}, [], polls=20, sleep=0.5, reps=1).render([("nproc", "2")], elapsed=12.4)
    assert text.startswith("# Performance of hwcloud.dms.dms_task_info\n")
    assert "| nproc | 2 |" in text and "Benchmark run time: 12 s." in text
    assert "## Targets\n\n| target | limit | measured | verdict |\n|---|---|---|---|\n\n## Method\n" in text
    assert "$" not in text and "## Notes from this run" not in text


def test_report_lists_notes_and_a_section_verdict_before_the_method():
    detection = {0.5: {"n": 8, "median": 0.7, "p95": 0.9, "max": 1.0, "min": 0.1, "skipped": 0, "lead": 1.0}}
    text = Report({"detection": detection}, ["A run made 3 requests, expected 21"], polls=20, sleep=0.5, reps=1).render(
        [], 1
    )
    assert "| detection latency median, wait_sleep 0.5 s | <= 600 ms | 700 ms | MISSED |" in text
    assert text.index("## Detection latency") < text.index("## Notes from this run") < text.index("## Method")
    assert "- A run made 3 requests, expected 21\n" in text


def test_per_minute_is_cpu_beyond_the_baseline_over_the_wait():
    assert bench.per_minute(3.0, 1.0, 60.0) == pytest.approx(2.0)
    assert bench.per_minute(3.0, 1.0, 30.0) == pytest.approx(4.0)
    assert bench.per_minute(0.5, 1.0, 60.0) == 0.0  # noise below the baseline is no negative cost
    assert bench.per_minute(3.0, 1.0, None) is None


def test_progress_section_judges_the_default_interval_against_the_pause():
    def kind(cpu, task, lines=0):
        return {"wall": task + 2, "cpu": cpu, "task": task, "lines": lines}

    median = {
        "pause_base": kind(1.0, 0.1),
        "pause": kind(1.2, 60.0),  # 0.2 s a minute
        "module_base": kind(1.5, 0.5),
        "no_lines": kind(1.7, 60.0),
        "lines_30": kind(1.8, 60.0, lines=1),  # 0.3 s a minute: 1.5x the pause
        "lines_10": kind(1.9, 60.0, lines=5),
    }
    text = Report({"progress": {"seconds": 60.0, "reps": 1, "median": median}}, [], polls=20, sleep=0.5, reps=1).render(
        [("nproc", "2")], elapsed=1.0
    )
    assert "## Progress lines: CPU of a long wait against an idle pause" in text
    assert "| CPU per minute of a wait with progress lines / idle pause | <= 2x | 1.50x | met |" in text
    assert "| wait, `progress_interval: 10` (Terraform's cadence) | 60.0 | 1.90 | 1.50 | 0.400 | 2.00x | 5 |" in text
