# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: python -m benchmarks.bench (runner), measure (helpers), report (Markdown report)."""
