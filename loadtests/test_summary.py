"""The summary table and chart from known rows: `$(./sandbox tool python) -m unittest loadtests/test_summary.py`."""
import tempfile
import unittest
from pathlib import Path

import summary


class SummaryTest(unittest.TestCase):

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        (self.dir / "ratios.tsv").write_text(
            "gateway\tgateway / direct requests/s\t0.340\tx\t./sandbox bench gateway\t9435 / 27734 requests/s\n"
            "chat\tfan-out p99 / raw RabbitMQ p99\t11.700\tx\t./sandbox bench chat\t\n"
            "stack\tstack RSS\t1650\tMB\t./sandbox up\t\n")
        (self.dir / "runs.tsv").write_text("gateway\t0\t95\t/r/g\nchat\t0\t300\t/r/c\nrag\t1\t12\t/r/r\n")

    def test_one_row_per_figure_with_its_command(self):
        summary.main(self.dir)
        md = (self.dir / "summary.md").read_text()
        self.assertIn("| gateway | gateway / direct requests/s | 0.34x | 9435 / 27734 requests/s | `./sandbox bench gateway` |", md)
        self.assertIn("| chat | fan-out p99 / raw RabbitMQ p99 | 11.70x |", md)
        self.assertIn("| stack | stack RSS | 1650 MB |", md)
        self.assertIn("Failed, so their figures are missing: rag", md)

    def test_the_chart_is_a_png(self):
        summary.main(self.dir)
        self.assertEqual((self.dir / "summary.png").read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_nothing_measured_gives_a_table_without_chart(self):
        (self.dir / "ratios.tsv").write_text("")
        summary.main(self.dir)
        self.assertFalse((self.dir / "summary.png").exists())
        self.assertIn("| benchmark | figure |", (self.dir / "summary.md").read_text())


if __name__ == "__main__":
    unittest.main()
