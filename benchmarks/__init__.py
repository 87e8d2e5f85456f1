"""`make bench`: throughput figures, each against a raw baseline run in the same process."""
