"""Evaluation: gold cases, retrieval benchmarks and speed figures. Nothing imports evals."""
